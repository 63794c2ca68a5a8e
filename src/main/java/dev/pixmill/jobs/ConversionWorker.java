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

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pulls conversions from the shared queue and runs them on the engine pool. It never claims more
 * than it has free engine threads, so claimed work starts at once and the rest stays pending for
 * other replicas. It wakes on NOTIFY (any replica enqueued), after each finished job, and on a
 * slow fallback poll.
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
    ConversionEvents events;

    @Inject
    ConversionMetrics metrics;

    @Inject
    JobsConfig config;

    @Inject
    EngineConfig engineConfig;

    @Inject
    Vertx vertx;

    private final String workerId = workerIdentity();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean pumping = new AtomicBoolean();
    private final AtomicBoolean pumpAgain = new AtomicBoolean();
    private volatile boolean running;
    private long pollTimer = -1;

    void start(@Observes @Priority(100) StartupEvent event) {
        running = true;
        events.onWorkAvailable(this::pump);
        pollTimer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> pump());
        pump();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
    }

    public String workerId() {
        return workerId;
    }

    /** Claims as much work as there are free engine threads. Safe to call from anywhere, any time. */
    public void pump() {
        if (!running) {
            return;
        }
        if (!pumping.compareAndSet(false, true)) {
            pumpAgain.set(true);
            return;
        }
        int free = executor.workers() - inFlight.get();
        if (free <= 0) {
            pumping.set(false);
            return;
        }
        queue.claim(workerId, free).subscribe().with(claimed -> {
            inFlight.addAndGet(claimed.size());
            claimed.forEach(this::run);
            pumping.set(false);
            if (pumpAgain.getAndSet(false) && claimed.size() < free) {
                pump();
            }
        }, failure -> {
            pumping.set(false);
            LOG.warnf("claiming work failed: %s", failure.getMessage());
        });
    }

    private void run(ConversionQueue.Claimed job) {
        long started = System.nanoTime();
        blobs.get(job.id(), BlobStore.Role.INPUT)
                .chain(input -> input == null
                        ? queue.fail(job.id(), workerId, "input_missing", "the input of this conversion is gone")
                                .replaceWith((EngineResult) null)
                        : executor.submit(() -> engine.convert(input.data(), job.params().toSpec(engineTimeout())))
                                .chain(result -> queue.complete(job.id(), workerId, result, Tokens.downloadToken())
                                        .invoke(stored -> metrics.completed(job.inputFormat(), input.data().length, result,
                                                System.nanoTime() - started))
                                        .replaceWith(result)))
                .onFailure(ServiceBusyException.class).recoverWithUni(busy -> queue.release(job.id(), workerId)
                        .replaceWith((EngineResult) null))
                .onFailure().recoverWithUni(failure -> failed(job, failure))
                .eventually(() -> {
                    inFlight.decrementAndGet();
                    pump();
                })
                .subscribe().with(ignored -> { }, failure -> LOG.errorf(failure, "conversion %s could not be recorded", job.id()));
    }

    private Uni<EngineResult> failed(ConversionQueue.Claimed job, Throwable failure) {
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
        return queue.fail(job.id(), workerId, code, message)
                .invoke(() -> metrics.failed(job.inputFormat(), job.params(), code))
                .replaceWith((EngineResult) null);
    }

    private java.time.Duration engineTimeout() {
        return engineConfig.timeout();
    }

    /** Names a replica in lease_owner, so an operator can tell who held a job. */
    private static String workerIdentity() {
        String host = System.getenv().getOrDefault("HOSTNAME", "local");
        return host + "/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
