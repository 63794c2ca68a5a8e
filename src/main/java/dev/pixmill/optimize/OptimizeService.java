package dev.pixmill.optimize;

import dev.pixmill.accounts.UsageLimits;
import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.EngineConfig;
import dev.pixmill.engine.EngineExecutor;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageInfo;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.error.ForbiddenException;
import dev.pixmill.error.PixmillException;
import dev.pixmill.error.UnauthorizedException;
import dev.pixmill.jobs.Conversion;
import dev.pixmill.jobs.ConversionMetrics;
import dev.pixmill.jobs.ConversionService;
import dev.pixmill.jobs.IntakeBudget;
import dev.pixmill.security.Caller;
import dev.pixmill.security.KeyLimits;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.util.Locale;

/**
 * The optimize dialect: one synchronous compression per request, at the ladder level the client
 * asks for, on the engine pool ahead of queued work (a client waits for it). The answer carries
 * the image, or keeps it for one download.
 */
@ApplicationScoped
public class OptimizeService {

    static final String KIND = "optimize";
    static final String API = "optimize";

    /** What one request produced: the input as probed, the engine's result. */
    record Optimized(String filename, ImageInfo input, long originalSize, EngineResult result) {

        long optimizedSize() {
            return result.bytes().length;
        }

        /** One decimal, as the dialect's clients parse it; negative when a format change grew the file. */
        String savingsPercent() {
            double savings = originalSize == 0 ? 0 : 100.0 * (originalSize - optimizedSize()) / originalSize;
            return String.format(Locale.ROOT, "%.1f", savings);
        }
    }

    @Inject
    ImageEngine engine;

    @Inject
    EngineExecutor executor;

    @Inject
    EngineConfig engineConfig;

    @Inject
    OptimizeConfig config;

    @Inject
    ConversionService conversions;

    @Inject
    ConversionMetrics metrics;

    @Inject
    IntakeBudget intake;

    @Inject
    UsageLimits usageLimits;

    @Inject
    Vertx vertx;

    public Uni<Optimized> optimize(Caller caller, OptimizeForm form, OptimizeOptions options) {
        ImageLimits limits = limits(caller.limits(), false);
        FileUpload upload = form.image;
        if (upload == null) {
            throw new BadRequestException("missing_file",
                    "the multipart field 'image' with the image file is required");
        }
        if (upload.size() == 0) {
            throw new BadRequestException("empty_file", "the uploaded image is empty");
        }
        if (upload.size() > limits.maxBytes()) {
            throw new BadRequestException("file_too_large", String.format(Locale.ROOT,
                    "the image is %s; the limit is %s", megabytes(upload.size()), megabytes(limits.maxBytes())));
        }
        return usageLimits.within(caller, 1, () -> intake.within(upload.size(),
                () -> vertx.fileSystem().readFile(upload.uploadedFile().toString())
                        .chain(buffer -> run(caller, buffer.getBytes(), upload.fileName(), options))));
    }

    /** Keeps the result for its single download (any replica serves it). */
    public Uni<Conversion> keep(Caller caller, Optimized optimized) {
        return conversions.storeFinished(caller.owner(), KIND, optimized.filename(), optimized.input(),
                optimized.originalSize(), optimized.result(), config.retention());
    }

    public Uni<ConversionService.Result> download(String id) {
        return conversions.downloadOnce(id, KIND);
    }

    /** A key is required, and its optimize API must not be switched off. */
    public void authorize(Caller caller) {
        if (caller.anonymous()) {
            throw new UnauthorizedException("missing_api_key",
                    "an API key is required: send it as X-API-Key, Authorization: Bearer or api_key");
        }
        if (caller.limits().disabled(API)) {
            throw new ForbiddenException("api_disabled", "the optimize API is disabled for this API key");
        }
    }

    private Uni<Optimized> run(Caller caller, byte[] bytes, String filename, OptimizeOptions options) {
        ImageFormat sniffed = OptimizeOptions.inputFormat(bytes);
        ImageLimits limits = limits(caller.limits(), sniffed == ImageFormat.SVG);
        long started = System.nanoTime();
        return executor.submit(() -> {
            ImageInfo info = engine.probe(bytes, limits);
            ConversionSpec spec = options.spec(info.format(), limits, config.timeout());
            ImageFormat output = spec.output();
            try {
                EngineResult result = engine.convert(bytes, spec);
                metrics.completed(info.format().extension(), bytes.length, result, System.nanoTime() - started);
                return new Optimized(filename, info, bytes.length, result);
            } catch (PixmillException e) {
                metrics.failed(info.format().extension(), output.extension(), e.code());
                throw e;
            }
        });
    }

    /**
     * The dialect's limits, raised by the key where it says so, but never past the engine's own
     * (pixmill.engine.limits). SVG is exempt from the dialect's pixel limit: it is rendered at
     * its target size, which the engine's limits bound.
     */
    ImageLimits limits(KeyLimits key, boolean svg) {
        ImageLimits engineLimits = engineConfig.limits().toImageLimits();
        long bytes = Math.min(key.optimizeMaxBytes().orElse(config.maxBytes().asLongValue()), engineLimits.maxBytes());
        if (svg) {
            return new ImageLimits(bytes, engineLimits.maxWidth(), engineLimits.maxHeight(),
                    engineLimits.maxMegapixels(), false);
        }
        int width = Math.min(key.optimizeMaxWidth().orElse(config.maxWidth()), engineLimits.maxWidth());
        int height = Math.min(key.optimizeMaxHeight().orElse(config.maxHeight()), engineLimits.maxHeight());
        long megapixels = Math.min((long) Math.ceil((double) width * height / 1_000_000),
                engineLimits.maxMegapixels());
        return new ImageLimits(bytes, width, height, Math.max(1, megapixels), true);
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }
}
