package dev.pixmill.jobs;

import dev.pixmill.engine.EngineConfig;
import dev.pixmill.engine.EngineExecutor;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.error.PixmillException;
import dev.pixmill.error.ServiceBusyException;
import dev.pixmill.security.Tokens;
import dev.pixmill.storage.BlobStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Pulls conversions from the shared queue and runs them on the engine pool. It never claims more
 * than it has free engine threads, so claimed work starts at once and the rest stays pending for
 * other replicas. Request-time work waiting for the engine (a client waits for it) takes a slot
 * first: the worker leaves as many slots unclaimed, and claims them once that work has started.
 * It wakes on NOTIFY (any replica enqueued), after each finished job, and on a slow fallback poll; it renews the leases of running jobs and gives unfinished ones back when
 * the replica stops.
 */
@ApplicationScoped
public class ConversionWorker {

    private static final Logger LOG = Logger.getLogger(ConversionWorker.class);

    @Inject
    ConversionQueue queue;

    @Inject
    BlobStore blobs;

    @Inject
    ImageEngine engine;

    @Inject
    EngineExecutor executor;

    @Inject
    EngineConfig engineConfig;

    @Inject
    ConversionEvents events;

    @Inject
    ConversionMetrics metrics;

    @Inject
    JobsConfig config;

    @Inject
    Vertx vertx;

    private final String workerId = workerIdentity();
    private final Map<UUID, ConversionQueue.Claimed> running = new ConcurrentHashMap<>();
    /** Pump requests not yet served; only the caller that raises it from 0 runs claim rounds. */
    private final AtomicInteger pumpRequests = new AtomicInteger();
    private volatile boolean accepting;
    /** A round left slots to waiting request work; claim them once it has started. */
    private volatile boolean yielded;
    private long pollTimer = -1;
    private long renewTimer = -1;

    void start(@Observes @Priority(100) StartupEvent event) {
        if (!config.workerEnabled()) {
            LOG.info("conversion worker disabled (pixmill.jobs.worker-enabled=false): this replica runs no conversions");
            return;
        }
        accepting = true;
        events.onWorkAvailable(this::pump);
        executor.onRequestWorkDone(() -> {
            if (yielded) {
                pump();
            }
        });
        pollTimer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> pump());
        renewTimer = vertx.setPeriodic(Math.max(1000, config.lease().toMillis() / 3), id -> renewLeases());
        pump();
    }

    /** Stops claiming, lets running jobs finish for a grace period, then gives the rest back. */
    void stop(@Observes ShutdownEvent event) {
        accepting = false;
        vertx.cancelTimer(pollTimer);
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        vertx.cancelTimer(renewTimer);
        for (ConversionQueue.Claimed job : List.copyOf(running.values())) {
            try {
                queue.release(job).await().atMost(Duration.ofSeconds(5));
                LOG.infof("gave conversion %s back to the queue at shutdown", job.id());
            } catch (RuntimeException e) {
                LOG.warnf("could not give conversion %s back (its lease will expire): %s", job.id(), e.getMessage());
            }
        }
    }

    /** Asks for a claim round. Safe to call from anywhere, any time; never runs two rounds at once. */
    public void pump() {
        if (pumpRequests.getAndIncrement() == 0) {
            claimRound();
        }
    }

    private void claimRound() {
        int served = pumpRequests.get();
        int waiting = executor.waitingRequests();
        int free = executor.workers() - running.size() - waiting;
        yielded = waiting > 0;
        if (!accepting || free <= 0) {
            endRound(served);
            return;
        }
        queue.claim(workerId, free).subscribe().with(claimed -> {
            boolean adopted = false;
            for (ConversionQueue.Claimed job : claimed) {
                // the same job may still be running here under an older lease that expired (this
                // replica won it again): the running attempt adopts the new lease and records its
                // result under it, rather than a second run starting or the claim being given back;
                // the adopted claim's try does not count, and its slot is offered again
                if (running.put(job.id(), job) == null) {
                    run(job);
                } else {
                    adopted = true;
                    queue.undoAttempt(job).subscribe().with(v -> { }, e -> LOG.debugf("undo failed: %s", e.getMessage()));
                }
            }
            if (adopted) {
                pump();
            }
            endRound(served);
        }, failure -> {
            LOG.warnf("claiming work failed: %s", failure.getMessage());
            endRound(served);
        });
    }

    /** Another round if pump() was called while this one ran (a slot may have been freed). */
    private void endRound(int served) {
        if (pumpRequests.addAndGet(-served) != 0) {
            claimRound();
        }
    }

    private void run(ConversionQueue.Claimed job) {
        long started = System.nanoTime();
        AtomicReference<ConversionQueue.Claimed> used = new AtomicReference<>(job);
        blobs.get(job.id(), BlobStore.Role.INPUT)
                .chain(input -> {
                    if (input == null) {
                        return record(job, used, c -> queue.fail(c, "input_missing", "the input of this conversion is gone"))
                                .replaceWithVoid();
                    }
                    var spec = job.params().toSpec(engineConfig.timeout());
                    String token = Tokens.downloadToken();
                    // only the engine's verdict fails a job; a storage error leaves it to lease recovery
                    return executor.submitClaimed(() -> engine.convert(input.data(), spec))
                            .onFailure(e -> !(e instanceof ServiceBusyException)).recoverWithUni(e -> failed(job, used, e))
                            .chain(result -> result == null ? Uni.createFrom().voidItem()
                                    : record(job, used, c -> queue.complete(c, result, token))
                                            .invoke(stored -> {
                                                if (stored) {
                                                    metrics.completed(job.inputFormat(), input.data().length, result,
                                                            System.nanoTime() - started);
                                                }
                                            })
                                            .replaceWithVoid());
                })
                .onFailure(ServiceBusyException.class).recoverWithUni(busy -> queue.release(current(job)))
                .onFailure().invoke(e -> LOG.errorf(e, "conversion %s could not be recorded; its lease will expire "
                        + "and it will be retried", job.id()))
                .onTermination().invoke(() -> {
                    ConversionQueue.Claimed left = running.remove(job.id());
                    if (left != null && left != used.get()) {
                        // a claim that arrived too late to record under: give it back so it runs again
                        queue.release(left).subscribe().with(v -> { }, e -> LOG.debugf("release failed: %s", e.getMessage()));
                    }
                    pump();
                })
                .subscribe().with(ignored -> { }, ignored -> { });
    }

    /**
     * Records the outcome under the newest claim of the job; if a newer claim arrived while
     * writing (the write then matches nothing), once more under that one.
     */
    private Uni<Boolean> record(ConversionQueue.Claimed job, AtomicReference<ConversionQueue.Claimed> used,
            Function<ConversionQueue.Claimed, Uni<Boolean>> write) {
        ConversionQueue.Claimed first = current(job);
        used.set(first);
        return write.apply(first).chain(stored -> {
            ConversionQueue.Claimed newest = current(job);
            if (stored || newest == first) {
                return Uni.createFrom().item(stored);
            }
            used.set(newest);
            return write.apply(newest);
        });
    }

    private Uni<EngineResult> failed(ConversionQueue.Claimed job, AtomicReference<ConversionQueue.Claimed> used,
            Throwable failure) {
        String code;
        String message;
        if (failure instanceof PixmillException known) {
            code = known.code();
            message = known.getMessage();
        } else {
            LOG.errorf(failure, "conversion %s failed unexpectedly", job.id());
            code = "conversion_failed";
            message = "the image could not be converted";
        }
        return record(job, used, c -> queue.fail(c, code, message))
                .invoke(() -> metrics.failed(job.inputFormat(), job.params(), code))
                .replaceWith((EngineResult) null);
    }

    /** The newest claim of a running job: its lease is the one that counts. */
    private ConversionQueue.Claimed current(ConversionQueue.Claimed job) {
        return running.getOrDefault(job.id(), job);
    }

    private void renewLeases() {
        if (running.isEmpty()) {
            return;
        }
        queue.renew(List.copyOf(running.values())).subscribe().with(
                held -> LOG.tracef("renewed %d leases", held),
                failure -> LOG.warnf("renewing leases failed: %s", failure.getMessage()));
    }

    /** Names a replica in lease_owner, so an operator can tell who held a job. */
    private static String workerIdentity() {
        String host = System.getenv().getOrDefault("HOSTNAME", "local");
        return host + "/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
