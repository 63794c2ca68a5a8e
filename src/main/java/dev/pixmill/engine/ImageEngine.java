package dev.pixmill.engine;

import dev.pixmill.engine.pipeline.Pipeline;
import dev.pixmill.engine.pipeline.PipelineContext;
import dev.pixmill.engine.pipeline.Steps;
import dev.pixmill.engine.vips.Allocator;
import dev.pixmill.engine.vips.Vips;
import dev.pixmill.engine.vips.VipsException;
import dev.pixmill.error.PixmillException;
import dev.pixmill.error.ProcessingException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The image engine: format sniffing, header limits, libvips conversion. Both methods block and
 * must only run on the {@link EngineExecutor} pool. Stateless and thread-safe.
 */
@ApplicationScoped
public class ImageEngine {

    private static final Logger LOG = Logger.getLogger(ImageEngine.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    private final Pipeline probePipeline = Steps.probe();
    private final Pipeline convertPipeline = Steps.convert();
    private final Pipeline compressPipeline = Steps.compress();

    /** Default of {@code pixmill.engine.memory-budget}. */
    public static final long DEFAULT_MEMORY_BUDGET = 192L << 20;

    private final VectorRenderer vector;
    private final EngineMemory memory;

    /** Loads and initialises libvips, with the default settings (also usable without CDI). */
    public ImageEngine() {
        this(VectorRenderer.Settings.defaults(), new EngineMemory(DEFAULT_MEMORY_BUDGET));
    }

    @Inject
    public ImageEngine(EngineConfig config) {
        this(config.vector().toSettings(), new EngineMemory(config.memoryBudget().asLongValue()));
    }

    public ImageEngine(VectorRenderer.Settings vectorSettings, EngineMemory memory) {
        Vips.ensureInitialized();
        this.vector = new VectorRenderer(vectorSettings);
        this.memory = memory;
    }

    public EngineMemory memory() {
        return memory;
    }

    public VectorRenderer vector() {
        return vector;
    }

    /** Format and header dimensions, checked against the limits; no pixel is decoded. */
    public ImageInfo probe(byte[] input, ImageLimits limits) {
        try (PipelineContext ctx = new PipelineContext(input, null, limits, PROBE_TIMEOUT, vector, null)) {
            run(probePipeline, ctx);
            return new ImageInfo(ctx.format, ctx.headerWidth, ctx.headerHeight, ctx.headerPages, ctx.headerAlpha,
                    ctx.headerSidesSwapped);
        }
    }

    /**
     * Runs the whole pipeline: sniff, limits, shrink-on-load, sRGB, flatten, then one encode, or
     * the compression search when the spec asks for one.
     */
    public EngineResult convert(byte[] input, ConversionSpec spec) {
        try (PipelineContext ctx = new PipelineContext(input, spec, spec.limits(), spec.timeout(), vector, memory)) {
            run(spec.compression() == null ? convertPipeline : compressPipeline, ctx);
            return new EngineResult(ctx.output, spec.output(), ctx.outWidth, ctx.outHeight, ctx.report);
        } finally {
            Allocator.trim();
        }
    }

    private static void run(Pipeline pipeline, PipelineContext ctx) {
        try {
            pipeline.run(ctx);
        } catch (PixmillException e) {
            throw e;
        } catch (VipsException | IllegalStateException | java.io.UncheckedIOException | ArithmeticException e) {
            LOG.warnf(e, "image processing failed");
            throw new ProcessingException("processing_failed", "the image could not be processed", e);
        } catch (OutOfMemoryError e) {
            throw new ProcessingException("processing_failed", "the image needs more memory than is available", e);
        }
    }

    /**
     * Refuses at once a conversion whose result would be over the input's pixel limits (enlarged,
     * or padded to a larger contain box), as the pipeline does before decoding: for dialects that
     * plan the conversion after the probe, so that the request itself is answered 413.
     */
    public static void checkResultSize(ImageInfo input, ConversionSpec spec) {
        boolean animated = (input.format() == ImageFormat.GIF || input.format() == ImageFormat.WEBP)
                && input.pages() > 1 && Steps.keepsFrames(spec.output());
        Steps.checkResult(spec.limits(), input.displayWidth(), input.displayHeight(), animated ? input.pages() : 1,
                spec);
    }

    /** libvips version, e.g. {@code 8.14.1}. */
    public String vipsVersion() {
        return Vips.version();
    }

    /** Encodes a tiny in-memory image (used by the readiness check); true when it works. */
    public boolean selfTest() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            byte[] px = new byte[4 * 4 * 3];
            java.lang.foreign.MemorySegment img = Vips.newFromMemoryCopy(arena, px, 4, 4, 3);
            try {
                byte[] png = Vips.writeToBuffer(arena, img, ".png");
                return png.length > 8 && (png[1] & 0xFF) == 'P';
            } finally {
                Vips.unref(img);
            }
        }
    }
}
