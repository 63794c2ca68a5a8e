package dev.pixmill.engine;

import dev.pixmill.engine.vips.Vips;
import dev.pixmill.error.ServiceBusyException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded pool all image work runs on: N workers and a fixed-size queue. A full queue answers
 * {@link ServiceBusyException} at once; nothing grows without bound. Request-time work (probes)
 * may fill the configured queue; N more places are kept for claimed jobs, so a job taken from
 * the shared queue is never refused (claims never exceed the worker count). Request-time work
 * runs before claimed jobs that wait: a client is waiting for it (a probe, a synchronous
 * optimize), while a claimed job only waits in the shared queue a little longer. Workers call
 * {@code vips_thread_shutdown()} before they exit.
 */
@ApplicationScoped
public class EngineExecutor {

    private final ThreadPoolExecutor pool;
    /**
     * Request-time work, waiting or running: every worker plus the configured waiting places.
     * The queue holds all of that waiting at once (while claimed jobs run) plus one place per
     * worker, so the at most one claimed job per worker always fits.
     */
    private final Semaphore admission;
    private final int retryAfterSeconds;
    private final int capacity;
    /** Request-time jobs not started yet; the conversion worker claims less while there are any. */
    private final AtomicInteger waitingRequests = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    private volatile Runnable requestWorkDone = () -> { };

    @Inject
    public EngineExecutor(EngineConfig config) {
        this(config.workers(), config.queueSize(), config.busyRetryAfterSeconds());
    }

    /** @param workers threads, 0 = available processors */
    public EngineExecutor(int workers, int queueSize, int retryAfterSeconds) {
        int n = workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
        int places = Math.max(1, queueSize);
        this.admission = new Semaphore(places + n);
        this.capacity = places + 2 * n;
        // unbounded by type, bounded by admission (request work) and by claims never exceeding the workers
        this.pool = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new PriorityBlockingQueue<>(),
                new WorkerFactory(), new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Runs {@code work} on a worker when subscribed. Fails with {@link ServiceBusyException} when
     * the queue is full; a cancelled subscription removes a job that has not started yet.
     */
    public <T> Uni<T> submit(Callable<T> work) {
        return submit(work, true);
    }

    /** For a job claimed from the shared queue: uses the places kept for claims. */
    public <T> Uni<T> submitClaimed(Callable<T> work) {
        return submit(work, false);
    }

    private <T> Uni<T> submit(Callable<T> work, boolean request) {
        return Uni.createFrom().emitter(em -> {
            if (request && !admission.tryAcquire()) {
                em.fail(busy());
                return;
            }
            // the place is held while the job waits or runs (a cancelled running job still runs)
            AtomicBoolean placeHeld = new AtomicBoolean(request);
            Runnable freePlace = () -> {
                if (placeHeld.compareAndSet(true, false)) {
                    admission.release();
                }
            };
            AtomicBoolean waiting = new AtomicBoolean(request);
            Runnable leftQueue = () -> {
                if (waiting.compareAndSet(true, false)) {
                    waitingRequests.decrementAndGet();
                }
            };
            if (request) {
                waitingRequests.incrementAndGet();
            }
            AtomicBoolean terminated = new AtomicBoolean();
            Job job = new Job(request ? 0 : 1, sequence.incrementAndGet(), () -> {
                leftQueue.run();
                try {
                    if (terminated.get()) {
                        return;
                    }
                    T result;
                    try {
                        result = work.call();
                    } catch (Throwable t) {
                        em.fail(t);
                        return;
                    }
                    em.complete(result);
                } finally {
                    freePlace.run();
                    if (request) {
                        requestWorkDone.run();
                    }
                }
            });
            em.onTermination(() -> {
                terminated.set(true);
                if (pool.remove(job)) {
                    leftQueue.run();
                    freePlace.run();
                }
            });
            try {
                if (pool.getQueue().size() >= capacity) {
                    throw new RejectedExecutionException("queue full");
                }
                pool.execute(job);
            } catch (RejectedExecutionException e) {
                leftQueue.run();
                freePlace.run();
                em.fail(busy());
            }
        });
    }

    /** Queued work: request-time first (rank 0), then claimed jobs (rank 1), each in arrival order. */
    private record Job(int rank, long seq, Runnable body) implements Runnable, Comparable<Job> {
        @Override
        public void run() {
            body.run();
        }

        @Override
        public int compareTo(Job other) {
            return rank != other.rank ? Integer.compare(rank, other.rank) : Long.compare(seq, other.seq);
        }
    }

    /**
     * Called after each request-time job ends (on the worker thread; keep it cheap). The
     * conversion worker uses it to claim the slots it left free while requests were waiting.
     */
    public void onRequestWorkDone(Runnable callback) {
        this.requestWorkDone = callback == null ? () -> { } : callback;
    }

    /** Request-time jobs (probes, synchronous dialects) waiting for a worker. */
    public int waitingRequests() {
        return waitingRequests.get();
    }

    private ServiceBusyException busy() {
        return new ServiceBusyException("the image engine is busy; retry in " + retryAfterSeconds + " s",
                retryAfterSeconds);
    }

    /** Jobs waiting for a worker. */
    public int queueDepth() {
        return pool.getQueue().size();
    }

    /** Jobs running now. */
    public int activeCount() {
        return pool.getActiveCount();
    }

    public int workers() {
        return pool.getMaximumPoolSize();
    }

    /**
     * By the time the container destroys this bean, HTTP requests have had
     * {@code quarkus.shutdown.timeout} and claimed jobs the worker's grace, and any job still
     * running was given back to the queue: waiting for it would only delay the exit (a long
     * conversion by up to its deadline, past Kubernetes' grace period). So a short wait, then the
     * daemon workers are left to end with the JVM.
     */
    static final Duration STOP_WAIT = Duration.ofSeconds(1);

    @PreDestroy
    public void shutdown() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static final class WorkerFactory implements ThreadFactory {
        private final AtomicInteger seq = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(() -> {
                try {
                    r.run();
                } finally {
                    Vips.threadShutdown();
                }
            }, "pixmill-engine-" + seq.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
