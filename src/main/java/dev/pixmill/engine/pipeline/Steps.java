package dev.pixmill.engine.pipeline;

import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.Fit;
import dev.pixmill.engine.FormatSniffer;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.engine.SvgSanitizer;
import dev.pixmill.engine.VectorRenderer;
import dev.pixmill.engine.compress.Encoding;
import dev.pixmill.engine.vips.Vips;
import dev.pixmill.engine.vips.VipsException;
import dev.pixmill.error.InvalidImageException;
import dev.pixmill.error.PayloadTooLargeException;
import dev.pixmill.error.ProcessingException;
import dev.pixmill.error.UnsupportedFormatException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/** The pipeline steps, in the order {@link #probe()} and {@link #convert()} list them. */
public final class Steps {

    private static final Logger LOG = Logger.getLogger(Steps.class);

    /** Largest ICO entry side. */
    static final int ICO_MAX = 256;

    private Steps() {
    }

    public static Pipeline probe() {
        return new Pipeline(List.of(new Sniff(), new PngTextChunks(), new HeaderLimits()));
    }

    public static Pipeline convert() {
        return new Pipeline(List.of(new Sniff(), new PngTextChunks(), new HeaderLimits(), new ReserveMemory(),
                new Load(), new ToSrgb(), new FlattenAlpha(), new CropToBox(), new PadToBox(), new StripMetadata(),
                new Encode(), new StripWebpChunks()));
    }

    /** As {@link #convert()}, with a compression search (several encodes of one decode) for the encode. */
    public static Pipeline compress() {
        return new Pipeline(List.of(new Sniff(), new PngTextChunks(), new HeaderLimits(), new ReserveMemory(),
                new Load(), new ToSrgb(), new FlattenAlpha(), new CropToBox(), new PadToBox(), new StripMetadata(),
                new Compress(), new StripWebpChunks()));
    }

    static String label(ImageFormat f) {
        return f.extension().toUpperCase(Locale.ROOT);
    }

    static boolean decodedByImageIo(ImageFormat f) {
        return f == ImageFormat.BMP || f == ImageFormat.ICO;
    }

    /** Magic bytes → format, and the byte limit. */
    public static final class Sniff implements Step {
        @Override
        public String name() {
            return "sniff";
        }

        @Override
        public void run(PipelineContext ctx) {
            if (ctx.input == null || ctx.input.length == 0) {
                throw new UnsupportedFormatException("unsupported_format", "the file is empty");
            }
            if (ctx.input.length > ctx.limits.maxBytes()) {
                throw new PayloadTooLargeException("file_too_large", "file is " + ctx.input.length
                        + " bytes; the limit is " + ctx.limits.maxBytes() + " bytes");
            }
            ctx.format = FormatSniffer.sniff(ctx.input).orElseThrow(() -> new UnsupportedFormatException(
                    "unsupported_format", "the file is not an image format Pixmill reads "
                            + "(JPEG, PNG, WebP, AVIF, HEIC, GIF, BMP, TIFF, ICO, SVG, PDF)"));
        }
    }

    /** Reads the header without decoding pixels and checks width, height and megapixels. */
    public static final class HeaderLimits implements Step {
        @Override
        public String name() {
            return "header";
        }

        @Override
        public void run(PipelineContext ctx) {
            if (ctx.format == ImageFormat.SVG) {
                // sanitised before libvips sees anything, header included
                ctx.sanitizedInput(SvgSanitizer.sanitize(ctx.input));
            }
            if (decodedByImageIo(ctx.format)) {
                ImageIoDecoder.Header h = ImageIoDecoder.header(ctx.input, ctx.format);
                ctx.headerWidth = h.width();
                ctx.headerHeight = h.height();
                ctx.headerPages = 1;
                ctx.headerAlpha = h.alpha();
            } else {
                MemorySegment img = MemorySegment.NULL;
                try {
                    img = Vips.newFromBuffer(ctx.arena, ctx.nativeInput(), "access=sequential");
                    ctx.headerWidth = Vips.width(img);
                    ctx.headerHeight = Vips.pageHeight(img);
                    ctx.headerPages = Math.max(1, Vips.nPages(img));
                    ctx.headerAlpha = Vips.hasAlpha(img);
                    int orientation = Vips.orientation(img);
                    ctx.headerSidesSwapped = orientation >= 5 && orientation <= 8;
                } catch (VipsException e) {
                    LOG.debugf("header of %s input unreadable: %s", ctx.format, e.getMessage());
                    throw new InvalidImageException("invalid_image",
                            "the " + label(ctx.format) + " image header cannot be read (corrupt or truncated file)", e);
                } finally {
                    Vips.unref(img);
                }
            }
            if (ctx.headerWidth <= 0 || ctx.headerHeight <= 0) {
                throw new InvalidImageException("invalid_image", "the image has no pixels");
            }
            boolean animatedInput = (ctx.format == ImageFormat.GIF || ctx.format == ImageFormat.WEBP)
                    && ctx.headerPages > 1;
            ConversionSpec spec = ctx.spec;
            ctx.animated = animatedInput && spec != null && keepsFrames(spec.output());
            int frames = animatedInput && (spec == null || ctx.animated) ? ctx.headerPages : 1;
            if (spec != null) {
                checkResult(ctx.limits, ctx.displayWidth(), ctx.displayHeight(), frames, spec);
            }

            if (ctx.format == ImageFormat.SVG && !ctx.limits.checkVectorDimensions()) {
                if (spec == null) {
                    return; // rendered at the target size later; checked then
                }
                int[] est = Box.of(spec).loaded(ctx.headerWidth, ctx.headerHeight);
                checkDims(ctx.limits, est[0], est[1], 1);
                return;
            }
            checkDims(ctx.limits, ctx.headerWidth, ctx.headerHeight, frames);
        }
    }

    /** Whether an animated input keeps its frames in this output format. */
    public static boolean keepsFrames(ImageFormat output) {
        return output == ImageFormat.GIF || output == ImageFormat.WEBP;
    }

    /**
     * A result larger than its input (enlarged, or padded to a contain box) is held to the pixel
     * limits inputs are held to: a box of 100000x100000 must not become a 30 GB image.
     *
     * @param w the input's displayed width (EXIF orientation applied)
     */
    public static void checkResult(ImageLimits l, int w, int h, int frames, ConversionSpec spec) {
        if (!spec.upscale() && spec.fit() != Fit.CONTAIN) {
            return; // never larger than the input, which is within the limits
        }
        int[] out = Box.of(spec).output(w, h);
        if (over(l, out[0], out[1], frames)) {
            throw new PayloadTooLargeException("image_too_large", "the result would be "
                    + size(out[0], out[1], frames) + "; the limit is " + l.maxWidth() + "x" + l.maxHeight() + " and "
                    + l.maxMegapixels() + " megapixels");
        }
    }

    private static boolean over(ImageLimits l, int w, int h, int frames) {
        return w > l.maxWidth() || h > l.maxHeight() || (long) w * h * frames > l.maxMegapixels() * 1_000_000L;
    }

    private static String size(int w, int h, int frames) {
        long pixels = (long) w * h * frames;
        return frames > 1
                ? w + "x" + h + " pixels in " + frames + " frames (" + (pixels + 500_000) / 1_000_000 + " megapixels)"
                : w + "x" + h + " pixels";
    }

    static void checkDims(ImageLimits l, int w, int h, int frames) {
        if (over(l, w, h, frames)) {
            String size = size(w, h, frames);
            throw new PayloadTooLargeException("image_too_large", "image is " + size + "; the limit is "
                    + l.maxWidth() + "x" + l.maxHeight() + " and " + l.maxMegapixels() + " megapixels");
        }
    }

    /** Size after fitting w×h inside the box (null side = unconstrained), as libvips' thumbnail does. */
    static int[] fit(int w, int h, Integer bw, Integer bh, boolean upscale) {
        if (bw == null && bh == null) {
            return new int[] {w, h};
        }
        double sx = bw == null ? Double.MAX_VALUE : (double) bw / w;
        double sy = bh == null ? Double.MAX_VALUE : (double) bh / h;
        double s = Math.min(sx, sy);
        if (!upscale) {
            s = Math.min(s, 1.0);
        }
        return new int[] {Math.max(1, (int) Math.round(w * s)), Math.max(1, (int) Math.round(h * s))};
    }

    /**
     * Decode with shrink-on-load straight to the target box ({@code vips_thumbnail_buffer}), EXIF
     * orientation applied; for cover, to the size that fills the box ({@link CropToBox} cuts it).
     * BMP/ICO: ImageIO decode, then {@code vips_thumbnail_image}.
     */
    public static final class Load implements Step {
        @Override
        public String name() {
            return "load";
        }

        @Override
        public void run(PipelineContext ctx) {
            Box target = Box.of(ctx.spec);
            boolean box = target.constrains();
            int[] thumb = target.thumbnail(ctx.displayWidth(), ctx.displayHeight());
            int bw = thumb[0];
            int bh = thumb[1];
            int size = target.thumbnailSize();
            try {
                if (ctx.format == ImageFormat.SVG || ctx.format == ImageFormat.PDF) {
                    double scale = scale(ctx.headerWidth, ctx.headerHeight, bw, bh, size == Vips.SIZE_BOTH);
                    ctx.replaceImage(Vips.thumbnailBuffer(ctx.arena, rendered(ctx, scale), bw, bh, size, false,
                            "fail_on=truncated"));
                } else if (decodedByImageIo(ctx.format)) {
                    ImageIoDecoder.Pixels px = ImageIoDecoder.decode(ctx.input, ctx.format);
                    MemorySegment mem = Vips.newFromMemoryCopy(ctx.arena, px.data(), px.width(), px.height(),
                            px.bands());
                    ctx.replaceImage(mem);
                    if (box) {
                        ctx.replaceImage(Vips.thumbnailImage(ctx.arena, mem, bw, bh, size, true));
                    }
                } else {
                    String options = "fail_on=truncated";
                    if (ctx.animated) {
                        options += ",n=-1";
                    }
                    ctx.replaceImage(Vips.thumbnailBuffer(ctx.arena, ctx.nativeInput(), bw, bh, size, false, options));
                }
            } catch (VipsException e) {
                LOG.debugf("load of %s input failed: %s", ctx.format, e.getMessage());
                throw new InvalidImageException("invalid_image",
                        "the " + label(ctx.format) + " image cannot be decoded (corrupt or truncated file)", e);
            }
            if (ctx.format == ImageFormat.SVG && !ctx.limits.checkVectorDimensions()) {
                checkDims(ctx.limits, Vips.width(ctx.image()), Vips.height(ctx.image()), 1);
            }
        }
    }

    /** The scale libvips' thumbnail would render a vector image at to fit the box. */
    static double scale(int w, int h, int bw, int bh, boolean upscale) {
        double s = Math.min((double) bw / w, (double) bh / h);
        return upscale ? s : Math.min(s, 1.0);
    }

    /**
     * SVG/PDF rendered by {@link dev.pixmill.engine.VectorRenderer} in a bounded child process; the
     * PNG it writes is mapped into the context's arena (it lives as long as the images made from it)
     * and its file removed at once.
     */
    static MemorySegment rendered(PipelineContext ctx, double scale) {
        Path png = ctx.vector.render(ctx.decodeBytes(), ctx.format, scale, ctx.deadlineNanos());
        try (FileChannel ch = FileChannel.open(png, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), ctx.arena);
        } catch (IOException e) {
            throw new ProcessingException("processing_failed", "the rendered image could not be read", e);
        } finally {
            VectorRenderer.discard(png);
        }
    }

    /**
     * Any colour space becomes 8-bit sRGB: through the embedded ICC profile when there is one
     * (Display P3 phone photos, Adobe RGB, CMYK with a profile), else by interpretation (CMYK,
     * grey, 16-bit, LAB, ...). Metadata stripping later removes the profile, so the pixels must
     * already mean sRGB.
     */
    public static final class ToSrgb implements Step {
        @Override
        public String name() {
            return "srgb";
        }

        @Override
        public void run(PipelineContext ctx) {
            if (Vips.hasIccProfile(ctx.image())) {
                try {
                    ctx.replaceImage(Vips.iccToSrgb(ctx.arena, ctx.image()));
                } catch (VipsException e) {
                    // a broken profile is ignored, as browsers do; the interpretation still applies
                    LOG.debugf("embedded ICC profile unusable: %s", e.getMessage());
                }
            }
            try {
                if (Vips.interpretation(ctx.image()) != Vips.INTERPRETATION_SRGB) {
                    ctx.replaceImage(Vips.colourspace(ctx.arena, ctx.image(), Vips.INTERPRETATION_SRGB));
                }
                if (Vips.bandFormat(ctx.image()) != Vips.FORMAT_UCHAR) {
                    ctx.replaceImage(Vips.cast(ctx.arena, ctx.image(), Vips.FORMAT_UCHAR));
                }
            } catch (VipsException e) {
                LOG.debugf("colour conversion failed: %s", e.getMessage());
                throw new InvalidImageException("invalid_image", "the image uses a colour layout Pixmill cannot convert",
                        e);
            }
        }
    }

    /** Outputs without alpha (JPEG, BMP, PDF) get transparent areas on white, not black. */
    public static final class FlattenAlpha implements Step {
        @Override
        public String name() {
            return "flatten";
        }

        @Override
        public void run(PipelineContext ctx) {
            if (ctx.spec.output().supportsAlpha() || !Vips.hasAlpha(ctx.image())) {
                return;
            }
            try {
                ctx.replaceImage(Vips.flatten(ctx.arena, ctx.image(), 255, 255, 255));
                if (Vips.bandFormat(ctx.image()) != Vips.FORMAT_UCHAR) {
                    ctx.replaceImage(Vips.cast(ctx.arena, ctx.image(), Vips.FORMAT_UCHAR));
                }
            } catch (VipsException e) {
                throw new ProcessingException("processing_failed", "the image could not be processed", e);
            }
        }
    }

    /**
     * Cover: the loaded image fills the box; what overflows it is cut off, centred, from every frame
     * of an animation alike. Without upscale a side shorter than the box stays as it is.
     */
    public static final class CropToBox implements Step {
        @Override
        public String name() {
            return "crop";
        }

        @Override
        public void run(PipelineContext ctx) {
            Box box = Box.of(ctx.spec);
            if (box.fit() != Fit.COVER) {
                return;
            }
            int w = Vips.width(ctx.image());
            int pageHeight = pageHeight(ctx);
            int cw = Math.min(box.width(), w);
            int ch = Math.min(box.height(), pageHeight);
            if (cw == w && ch == pageHeight) {
                return;
            }
            int left = (w - cw) / 2;
            int top = (pageHeight - ch) / 2;
            MemorySegment in = ctx.image();
            try {
                ctx.replaceImage(eachFrame(ctx, ch,
                        frame -> Vips.extractArea(ctx.arena, in, left, frame * pageHeight + top, cw, ch)));
            } catch (VipsException e) {
                throw new ProcessingException("processing_failed", "the image could not be processed", e);
            }
        }
    }

    /**
     * Contain: the loaded image, fitted inside the box, is centred on a canvas of exactly the box,
     * every frame alike: transparent where the output format has alpha, else white (alpha is already
     * flattened onto white for those).
     */
    public static final class PadToBox implements Step {
        @Override
        public String name() {
            return "pad";
        }

        @Override
        public void run(PipelineContext ctx) {
            Box box = Box.of(ctx.spec);
            if (box.fit() != Fit.CONTAIN) {
                return;
            }
            int w = Vips.width(ctx.image());
            int pageHeight = pageHeight(ctx);
            if (w == box.width() && pageHeight == box.height()) {
                return;
            }
            try {
                boolean transparent = ctx.spec.output().supportsAlpha();
                if (transparent && !Vips.hasAlpha(ctx.image())) {
                    ctx.replaceImage(Vips.addAlpha(ctx.arena, ctx.image()));
                }
                double[] background = new double[Vips.bands(ctx.image())];
                java.util.Arrays.fill(background, transparent ? 0 : 255);
                int x = (box.width() - w) / 2;
                int y = (box.height() - pageHeight) / 2;
                MemorySegment in = ctx.image();
                ctx.replaceImage(eachFrame(ctx, box.height(), frame -> {
                    MemorySegment page = Vips.extractArea(ctx.arena, in, 0, frame * pageHeight, w, pageHeight);
                    try {
                        return Vips.embed(ctx.arena, page, x, y, box.width(), box.height(), background);
                    } finally {
                        Vips.unref(page);
                    }
                }));
            } catch (VipsException e) {
                throw new ProcessingException("processing_failed", "the image could not be processed", e);
            }
        }
    }

    /** The height of one frame of the current image: the page height of an animation, else the height. */
    static int pageHeight(PipelineContext ctx) {
        return ctx.animated ? Vips.pageHeight(ctx.image()) : Vips.height(ctx.image());
    }

    /**
     * The frames of the current image, each made anew by {@code frame} (index → new reference,
     * {@code height} tall), joined again one below the other with the page height set to match; a
     * still image is its one frame. A new reference.
     */
    static MemorySegment eachFrame(PipelineContext ctx, int height, java.util.function.IntFunction<MemorySegment> frame) {
        int frames = ctx.animated ? Vips.height(ctx.image()) / Vips.pageHeight(ctx.image()) : 1;
        if (frames == 1) {
            return frame.apply(0);
        }
        List<MemorySegment> made = new java.util.ArrayList<>(frames);
        try {
            for (int i = 0; i < frames; i++) {
                made.add(frame.apply(i));
            }
            MemorySegment joined = Vips.joinVertically(ctx.arena, made);
            try {
                // the joined image carries the first frame's fields, the old page height among them
                MemorySegment out = Vips.copy(ctx.arena, joined);
                Vips.setInt(ctx.arena, out, "page-height", height);
                return out;
            } finally {
                Vips.unref(joined);
            }
        } finally {
            made.forEach(Vips::unref);
        }
    }

    /** Encodes with the format's saver and quality mapping; metadata stripped unless kept. */
    public static final class Encode implements Step {
        @Override
        public String name() {
            return "encode";
        }

        @Override
        public void run(PipelineContext ctx) {
            ConversionSpec spec = ctx.spec;
            MemorySegment img = ctx.image();
            int w = Vips.width(img);
            int h = ctx.animated ? Vips.pageHeight(img) : Vips.height(img);
            String strip = spec.keepMetadata() ? "" : ",strip";
            int q = spec.quality();
            // pixels are decoded and resized lazily, while the saver pulls them: this is the long call
            ctx.killOnDeadline(img);
            try {
                ctx.output = switch (spec.output()) {
                    case JPEG -> Vips.writeToBuffer(ctx.arena, img, ".jpg[Q=" + q + ",optimize_coding" + strip + "]");
                    case PNG -> Vips.writeToBuffer(ctx.arena, img, ".png[compression=6" + strip + "]");
                    case WEBP -> Vips.writeToBuffer(ctx.arena, img, ".webp[Q=" + q + ",effort=4" + strip + "]");
                    case AVIF -> Vips.writeToBuffer(ctx.arena, img,
                            ".avif[Q=" + Encoding.heifQuality(q) + ",effort=" + Encoding.AVIF_EFFORT + strip + "]");
                    case HEIC -> Vips.writeToBuffer(ctx.arena, img,
                            ".heic[Q=" + Encoding.heifQuality(q) + ",compression=hevc" + strip + "]");
                    case GIF -> Vips.writeToBuffer(ctx.arena, img, ".gif[effort=7" + strip + "]");
                    case TIFF -> Vips.writeToBuffer(ctx.arena, img, ".tif[compression=deflate" + strip + "]");
                    case BMP -> bmp(ctx, img, w, h);
                    case ICO -> Containers.icoWithPng(
                            Vips.writeToBuffer(ctx.arena, img, ".png[compression=6,strip]"), w, h);
                    case PDF -> Containers.pdfWithJpeg(
                            Vips.writeToBuffer(ctx.arena, img, ".jpg[Q=" + q + ",optimize_coding,strip]"), w, h);
                    case SVG -> Vips.hasAlpha(img)
                            ? Containers.svgWithRaster(
                                    Vips.writeToBuffer(ctx.arena, img, ".png[compression=6,strip]"), "image/png", w, h)
                            : Containers.svgWithRaster(
                                    Vips.writeToBuffer(ctx.arena, img, ".jpg[Q=" + q + ",optimize_coding,strip]"),
                                    "image/jpeg", w, h);
                };
            } catch (VipsException e) {
                throw encodeFailure(ctx, e);
            }
            ctx.outWidth = w;
            ctx.outHeight = h;
        }

        /** A failed encode: the deadline, the saver, or (pixels are decoded lazily) the input. */
        static RuntimeException encodeFailure(PipelineContext ctx, VipsException e) {
            ctx.checkDeadline(); // killed at the deadline: a timeout, not a bad image
            if (e.isSaveError()) {
                LOG.warnf("encoding %s failed: %s", ctx.spec.output(), e.getMessage());
                return new ProcessingException("encode_failed",
                        "the image could not be encoded as " + label(ctx.spec.output()), e);
            }
            // libvips decodes lazily: most input faults surface while the saver pulls pixels
            LOG.debugf("decoding %s input failed while encoding: %s", ctx.format, e.getMessage());
            return new InvalidImageException("invalid_image",
                    "the " + label(ctx.format) + " image cannot be decoded (corrupt or truncated file)", e);
        }

        private static byte[] bmp(PipelineContext ctx, MemorySegment img, int w, int h) {
            MemorySegment rgb = img;
            if (Vips.bands(img) != 3) {
                ctx.replaceImage(Vips.flatten(ctx.arena, img, 255, 255, 255));
                rgb = ctx.image();
            }
            return Containers.bmp(Vips.writeToMemory(ctx.arena, rgb), w, h);
        }
    }

}
