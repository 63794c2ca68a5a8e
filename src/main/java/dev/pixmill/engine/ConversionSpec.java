package dev.pixmill.engine;

import java.time.Duration;

/**
 * Everything the engine needs to turn one input into one output. Dialects translate their own
 * request into this; nothing dialect-specific goes further down.
 *
 * @param output format to write
 * @param quality 1-100, mapped per format by the encoder (ignored by lossless formats)
 * @param width target box width, or null for "no constraint"
 * @param height target box height, or null for "no constraint"
 * @param upscale whether the box may enlarge the image (never by default)
 * @param keepMetadata keep EXIF/ICC where the output format can hold them (stripped by default)
 * @param limits byte and pixel limits, checked before decoding
 * @param timeout deadline for the whole conversion
 * @param compression a compression search instead of one encode at {@code quality}, or null
 * @param fit how the image meets a box of both sides; null is {@link Fit#INSIDE}. {@link Fit#COVER}
 *        and {@link Fit#CONTAIN} need both sides
 */
public record ConversionSpec(ImageFormat output, int quality, Integer width, Integer height, boolean upscale,
        boolean keepMetadata, ImageLimits limits, Duration timeout, Compression compression, Fit fit) {

    /** A plain conversion: one encode at {@code quality}. */
    public ConversionSpec(ImageFormat output, int quality, Integer width, Integer height, boolean upscale,
            boolean keepMetadata, ImageLimits limits, Duration timeout) {
        this(output, quality, width, height, upscale, keepMetadata, limits, timeout, null);
    }

    /** Fitting inside the box. */
    public ConversionSpec(ImageFormat output, int quality, Integer width, Integer height, boolean upscale,
            boolean keepMetadata, ImageLimits limits, Duration timeout, Compression compression) {
        this(output, quality, width, height, upscale, keepMetadata, limits, timeout, compression, Fit.INSIDE);
    }

    public ConversionSpec {
        if (output == null || !output.writable()) {
            throw new IllegalArgumentException("output format must be writable");
        }
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("quality must be within 1-100");
        }
        if ((width != null && width < 1) || (height != null && height < 1)) {
            throw new IllegalArgumentException("box sides must be positive");
        }
        if (fit == null) {
            fit = Fit.INSIDE;
        }
        if (fit != Fit.INSIDE && (width == null || height == null)) {
            throw new IllegalArgumentException(fit.id() + " needs a box of both sides");
        }
    }
}
