package dev.pixmill.engine.pipeline;

import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.compress.Compressor;

/**
 * Reserves the conversion's estimated native memory from the engine budget before anything is
 * decoded (see {@link dev.pixmill.engine.EngineMemory}); the context gives it back when it closes.
 * The estimate counts what libvips and the codecs hold whole: decoders that cannot stream
 * (HEIF/AVIF decode at full size, interlaced PNG, GIF frames, ImageIO), encoders that take the
 * whole image (WebP, AVIF/HEIC, GIF, BMP), the native copy of the input, and a fixed allowance
 * for the streaming pipeline. Factors are bytes per pixel: the peak RSS growth of one conversion of
 * 12 and 20 MP photos in a fresh JVM (README, Memory), rounded up.
 */
final class ReserveMemory implements Step {

    static final long PIPELINE_ALLOWANCE = 32L << 20;
    static final long RENDER_BASE = 40L << 20;

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void run(PipelineContext ctx) {
        if (ctx.memory == null) {
            return;
        }
        ConversionSpec spec = ctx.spec;
        Box box = Box.of(spec);
        int[] loaded = box.loaded(ctx.displayWidth(), ctx.displayHeight());
        int[] out = box.output(ctx.displayWidth(), ctx.displayHeight());
        int frames = ctx.animated ? ctx.headerPages : 1;
        long bytes = estimate(ctx.format, ctx.headerWidth, ctx.headerHeight, loaded, out, frames,
                interlacedPng(ctx), spec.output(), ctx.input.length,
                ctx.vector == null ? 0 : ctx.vector.settings().maxMemory());
        if (spec.compression() != null) {
            // the re-coding runs after the search has let go of its candidates: the larger counts
            boolean recode = ctx.format == ImageFormat.JPEG && spec.output() == ImageFormat.JPEG;
            bytes += Math.max(searchEstimate(out, frames),
                    recode ? losslessJpegEstimate(ctx.headerWidth, ctx.headerHeight) : 0);
        }
        String what = "converting this " + ctx.headerWidth + "x" + ctx.headerHeight + " " + Steps.label(ctx.format)
                + " image to " + Steps.label(spec.output());
        if (spec.output() == ImageFormat.BMP) {
            bmpFitsTheHeap(out, what);
        }
        ctx.holdMemory(ctx.memory.reserve(bytes, ctx.deadlineNanos(), what));
    }

    /**
     * BMP is written by Pixmill itself, on the Java heap (raw pixels, then the padded file): two
     * copies of 3 bytes per pixel may take at most half of the heap, or the conversion would
     * end in an OutOfMemoryError that takes other requests with it.
     */
    private static void bmpFitsTheHeap(int[] out, String what) {
        long need = (long) out[0] * out[1] * 3 * 2;
        long allowed = Runtime.getRuntime().maxMemory() / 2;
        if (need > allowed) {
            throw new dev.pixmill.error.PayloadTooLargeException("image_too_large", what + " at " + out[0] + "x"
                    + out[1] + " needs about " + (need >> 20) + " MB of heap; BMP output is limited to "
                    + (allowed >> 20) + " MB: resize it or choose another output format");
        }
    }

    /**
     * @param loaded the size the load step makes (for cover larger than the result, which is cut
     *        from it lazily; upscale can make both larger than the input)
     * @param out the size of the result, a frame of it for an animation
     * @param vectorMemory what the SVG/PDF render process may take at most: it runs in the same
     *        container, so its expected use is part of the engine's memory while it renders
     */
    static long estimate(ImageFormat in, int w, int h, int[] loaded, int[] out, int frames, boolean interlaced,
            ImageFormat output, long inputBytes, long vectorMemory) {
        long inPx = (long) w * h;
        long loadedPx = (long) loaded[0] * loaded[1];
        long outFramePx = (long) out[0] * out[1];
        long outPx = outFramePx * frames;
        long decode = switch (in) {
            case HEIC, AVIF -> inPx * 6;
            case WEBP -> frames > 1 ? inPx * 8 : Math.min(loadedPx, inPx) * 4; // libwebp scales down only
            case PNG -> interlaced ? inPx * 4 : 0;
            case GIF -> inPx * 8;
            case BMP, ICO -> inPx * 8;
            // the render process (about 40 MB, plus canvas-sized surfaces for filters and masks,
            // at most its limit) at the size the load step asks, then its PNG mapped and read
            case SVG, PDF -> Math.min(vectorMemory, RENDER_BASE + loadedPx * 12) + loadedPx;
            default -> 0; // JPEG (shrink-on-load) and TIFF stream
        };
        long encode = switch (output) {
            case WEBP -> outPx * 7;
            case AVIF, HEIC -> outPx * 17;
            case GIF -> outPx * 11;
            case BMP -> outPx * 4;
            case JPEG, PDF, SVG -> outFramePx * 2; // optimize_coding keeps every coefficient for its second pass
            default -> 0; // PNG and TIFF stream; ICO is at most 256x256
        };
        // the input is held twice (heap and the native copy libvips reads)
        return 2 * inputBytes + decode + encode + PIPELINE_ALLOWANCE;
    }

    /**
     * Beyond the plain conversion, a compression search holds the decoded image in memory (3-4
     * bytes a pixel), one candidate's encoder state and its decode for the comparison; luma planes
     * are at most 2 MP. Measured on a 12 MP photo, whole conversion: +136-151 MB of peak RSS to
     * JPEG (level 1, 2, 10, smart, target size), +189 MB to WebP; 6 bytes a pixel here plus the
     * plain estimate covers that (the earlier 12 + 8 reserved 294 MB and refused any 12 MP search).
     */
    static long searchEstimate(int[] out, int frames) {
        return (long) out[0] * out[1] * frames * 6;
    }

    /** The lossless JPEG re-coding: coefficients, then both files decoded for the pixel check. */
    static long losslessJpegEstimate(int w, int h) {
        long px = (long) w * h;
        return px > Compressor.LOSSLESS_JPEG_MAX_PIXELS ? 0 : px * 8;
    }

    /** PNG interlace method, byte 28 of the file (in the IHDR chunk): Adam7 decodes whole. */
    private static boolean interlacedPng(PipelineContext ctx) {
        return ctx.format == ImageFormat.PNG && ctx.input.length > 28 && ctx.input[28] == 1;
    }
}
