package dev.pixmill.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.EngineConfig;
import dev.pixmill.engine.EngineExecutor;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.OperationKey;
import dev.pixmill.error.NotFoundException;
import dev.pixmill.error.PixmillException;
import dev.pixmill.error.ServiceBusyException;
import dev.pixmill.storage.BlobStore;
import dev.pixmill.storage.ResultCache;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Set;

/**
 * The image conversion: the row's input blob through {@link ImageEngine#convert} with its stored
 * {@link ConversionParams}, on the engine's slots, unless the result cache has the result of the
 * same work ({@link OperationKey}). Every dialect that queues an input image
 * (conversions, compressions, resizes, batch items, compression tasks) queues one of these kinds.
 */
@ApplicationScoped
public class ImageConversionHandler implements WorkHandler {

    private static final Logger LOG = Logger.getLogger(ImageConversionHandler.class);

    /** The kinds of rows that carry an input image and {@link ConversionParams} (optimize rows are stored finished). */
    public static final Set<String> KINDS = Set.of("convert", "compress", "resize", "imgcompress", "optimize");

    @Inject
    BlobStore blobs;

    @Inject
    ImageEngine engine;

    @Inject
    EngineExecutor executor;

    @Inject
    EngineConfig engineConfig;

    @Inject
    ConversionMetrics metrics;

    @Inject
    ResultCache cache;

    @Inject
    ObjectMapper json;

    @Override
    public Set<String> kinds() {
        return KINDS;
    }

    @Override
    public Uni<WorkOutcome> run(ConversionQueue.Claimed job) {
        ConversionParams params;
        try {
            params = params(job);
        } catch (IllegalStateException e) {
            // e.g. written by another version: failed alone rather than retried by every replica
            LOG.errorf("conversion %s has unreadable parameters; failing it: %s", job.id(), e.getMessage());
            return Uni.createFrom().item(WorkOutcome.failed("conversion_failed",
                    "the conversion's stored parameters are unreadable"));
        }
        var spec = params.toSpec(engineConfig.timeout());
        return blobs.get(job.id(), BlobStore.Role.INPUT)
                // a row whose bytes are gone from the store will not get them back: failed, not retried
                .onFailure(ImageConversionHandler::bytesMissing).recoverWithNull()
                .chain(input -> {
                    if (input == null) {
                        return Uni.createFrom().item(WorkOutcome.failed("input_missing",
                                "the input of this conversion is gone from storage"));
                    }
                    if (!cache.enabled()) {
                        return convert(job, input.data(), spec, null);
                    }
                    // hashing megabytes is work: off the event loop, then back on the caller's context
                    Context context = Vertx.currentContext();
                    return Uni.createFrom().item(() -> OperationKey.of(input.data(), spec, engine.vipsVersion()))
                            .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                            .emitOn(context == null ? Runnable::run : task -> context.runOnContext(v -> task.run()))
                            .chain(key -> cache.lookup(key, job.kind())
                                    .chain(hit -> hit != null
                                            ? Uni.createFrom().item((WorkOutcome) new WorkOutcome.Cached(hit, input.data().length))
                                            : convert(job, input.data(), spec, key)));
                });
    }

    private Uni<WorkOutcome> convert(ConversionQueue.Claimed job, byte[] input, ConversionSpec spec, String cacheKey) {
        // only the engine's verdict fails a job; a storage error leaves it to lease recovery
        return executor.submitClaimed(() -> engine.convert(input, spec))
                .map(result -> (WorkOutcome) new WorkOutcome.Completed(result, input.length, cacheKey))
                .onFailure(e -> !(e instanceof ServiceBusyException)).recoverWithItem(e -> failure(job, e));
    }

    private static boolean bytesMissing(Throwable e) {
        return e instanceof NotFoundException nf && BlobStore.MISSING_CODE.equals(nf.code());
    }

    @Override
    public void recorded(ConversionQueue.Claimed job, WorkOutcome outcome, boolean stored, long nanos) {
        switch (outcome) {
            case WorkOutcome.Completed done -> {
                if (stored) {
                    metrics.completed(job.inputFormat(), done.inputBytes(), done.result().format().extension(),
                            done.result().bytes().length, nanos);
                }
            }
            case WorkOutcome.Cached hit -> {
                if (stored) {
                    metrics.completed(job.inputFormat(), hit.inputBytes(), hit.entry().format().extension(),
                            hit.entry().size(), nanos);
                }
            }
            case WorkOutcome.Failed failed -> metrics.failed(job.inputFormat(), outputOf(job), failed.code());
        }
    }

    /** The stored parameters of a claimed conversion; IllegalStateException when they cannot be read. */
    public ConversionParams params(ConversionQueue.Claimed job) {
        try {
            ConversionParams params = json.readValue(job.params(), ConversionParams.class);
            if (params == null || params.output() == null) {
                throw new IllegalStateException("no output format");
            }
            return params;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("stored conversion parameters are unreadable: " + e.getMessage(), e);
        }
    }

    private String outputOf(ConversionQueue.Claimed job) {
        try {
            return params(job).output().extension();
        } catch (IllegalStateException e) {
            return "unknown";
        }
    }

    private static WorkOutcome failure(ConversionQueue.Claimed job, Throwable failure) {
        if (failure instanceof PixmillException known) {
            return WorkOutcome.failed(known.code(), known.getMessage());
        }
        LOG.errorf(failure, "conversion %s failed unexpectedly", job.id());
        return WorkOutcome.failed("conversion_failed", "the image could not be converted");
    }
}
