package dev.pixmill.engine.pipeline;

import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.EngineMemory;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.engine.VectorRenderer;
import dev.pixmill.engine.vips.Vips;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * State of one conversion or probe. Owns a confined arena (the native copy of the input lives in
 * it, so it outlives every image made from it) and the current image reference. {@link #close()}
 * unrefs the image first, then frees the arena.
 */
public final class PipelineContext implements AutoCloseable {

    public final byte[] input;
    /** null for a probe. */
    public final ConversionSpec spec;
    public final ImageLimits limits;
    /** Renders SVG and PDF out of process. */
    public final VectorRenderer vector;
    /** The engine's memory budget; null for a probe, which decodes nothing. */
    public final EngineMemory memory;
    private EngineMemory.Reservation reservation;
    public final Arena arena = Arena.ofConfined();
    private final long deadlineNanos;
    private final long timeoutSeconds;

    private byte[] decodeInput;
    private MemorySegment nativeInput;
    private MemorySegment image = MemorySegment.NULL;
    private MemorySegment deadlineCell;

    // filled by steps
    public ImageFormat format;
    public int headerWidth;
    public int headerHeight;
    public int headerPages = 1;
    /** Whether the header declares an alpha band. */
    public boolean headerAlpha;
    /** Whether the EXIF orientation turns the image a quarter: it is displayed (and loaded) with its sides swapped. */
    public boolean headerSidesSwapped;
    public boolean animated;
    public byte[] output;
    public int outWidth;
    public int outHeight;
    /** Set by a compression search. */
    public EngineResult.CompressionReport report;

    public PipelineContext(byte[] input, ConversionSpec spec, ImageLimits limits, Duration timeout,
            VectorRenderer vector, EngineMemory memory) {
        this.input = input;
        this.spec = spec;
        this.limits = limits;
        this.vector = vector;
        this.memory = memory;
        Duration t = timeout == null || timeout.isZero() || timeout.isNegative() ? Duration.ofDays(1) : timeout;
        this.timeoutSeconds = Math.max(1, t.toSeconds());
        this.deadlineNanos = System.nanoTime() + t.toNanos();
    }

    /** The width of the image as the load step makes it (before any box): EXIF orientation applied. */
    public int displayWidth() {
        return headerSidesSwapped ? headerHeight : headerWidth;
    }

    public int displayHeight() {
        return headerSidesSwapped ? headerWidth : headerHeight;
    }

    /** The input copied once into native memory of this context's arena. */
    public MemorySegment nativeInput() {
        if (nativeInput == null) {
            nativeInput = Vips.buffer(arena, decodeInput != null ? decodeInput : input);
        }
        return nativeInput;
    }

    /** The bytes to decode: the sanitised SVG, else the input. */
    public byte[] decodeBytes() {
        return decodeInput != null ? decodeInput : input;
    }

    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** Replaces the bytes libvips decodes (the sanitised SVG); only before {@link #nativeInput()}. */
    public void sanitizedInput(byte[] bytes) {
        if (nativeInput != null) {
            throw new IllegalStateException("input already handed to libvips");
        }
        decodeInput = bytes;
    }

    public MemorySegment image() {
        return image;
    }

    /** Takes ownership of {@code next} and drops the previous reference. */
    public void replaceImage(MemorySegment next) {
        MemorySegment old = image;
        image = next;
        Vips.unref(old);
    }

    /** Lets libvips itself stop computing {@code image} at the deadline (see {@link Vips#killAfter}). */
    public void killOnDeadline(MemorySegment image) {
        if (deadlineCell == null) {
            deadlineCell = arena.allocate(java.lang.foreign.ValueLayout.JAVA_LONG);
            deadlineCell.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, deadlineNanos);
        }
        Vips.killAfter(image, deadlineCell);
    }

    /** Keeps the memory reservation until {@link #close()}. */
    void holdMemory(EngineMemory.Reservation r) {
        if (reservation != null) {
            reservation.close();
        }
        reservation = r;
    }

    public void checkDeadline() {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw Pipeline.timeout(timeoutSeconds);
        }
    }

    @Override
    public void close() {
        try {
            replaceImage(MemorySegment.NULL);
        } finally {
            arena.close();
            if (reservation != null) {
                reservation.close();
            }
        }
    }
}
