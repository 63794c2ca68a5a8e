package dev.pixmill.engine;

import dev.pixmill.engine.vips.Vips;
import dev.pixmill.error.ServiceBusyException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pool all image work runs on: N workers and a fixed-size queue. A full queue answers
 * {@link ServiceBusyException} at once; nothing grows without bound. Request-time work (probes)
 * may fill the configured queue; N more places are kept for claimed jobs, so a job taken from
 * the shared queue is never refused (claims never exceed the worker count). Workers call
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
        this.pool = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(places + 2 * n),
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

    private <T> Uni<T> submit(Callable<T> work, boolean admissionControlled) {
        return Uni.createFrom().emitter(em -> {
            if (admissionControlled && !admission.tryAcquire()) {
                em.fail(busy());
                return;
            }
            // the place is held while the job waits or runs (a cancelled running job still runs)
            AtomicBoolean placeHeld = new AtomicBoolean(admissionControlled);
            Runnable freePlace = () -> {
                if (placeHeld.compareAndSet(true, false)) {
                    admission.release();
                }
            };
            AtomicBoolean terminated = new AtomicBoolean();
            Runnable job = () -> {
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
                }
            };
            em.onTermination(() -> {
                terminated.set(true);
                if (pool.remove(job)) {
                    freePlace.run();
                }
            });
            try {
                pool.execute(job);
            } catch (RejectedExecutionException e) {
                freePlace.run();
                em.fail(busy());
            }
        });
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

    @PreDestroy
    public void shutdown() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
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
