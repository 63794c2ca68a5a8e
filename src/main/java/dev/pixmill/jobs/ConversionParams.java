package dev.pixmill.jobs;

import dev.pixmill.engine.Compression;
import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.Fit;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageLimits;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Duration;

/**
 * What a conversion must do, stored with the job as JSON so that any replica can run it later.
 * Limits travel with it because dialects differ (the optimize dialect is stricter). Members added
 * later are absent from older rows and read as null: no compression search, and {@code fit} inside.
 */
@RegisterForReflection(targets = { ConversionParams.class, ImageLimits.class, Compression.class })
public record ConversionParams(ImageFormat output, int quality, Integer width, Integer height, boolean upscale,
        boolean keepMetadata, ImageLimits limits, Compression compression, Fit fit) {

    /** A plain conversion (rows written before compression existed read as this too). */
    public ConversionParams(ImageFormat output, int quality, Integer width, Integer height, boolean upscale,
            boolean keepMetadata, ImageLimits limits) {
        this(output, quality, width, height, upscale, keepMetadata, limits, null);
    }

    /** Fitting inside the box (rows written before fit existed read as this too). */
    public ConversionParams(ImageFormat output, int quality, Integer width, Integer height, boolean upscale,
            boolean keepMetadata, ImageLimits limits, Compression compression) {
        this(output, quality, width, height, upscale, keepMetadata, limits, compression, null);
    }

    public ConversionSpec toSpec(Duration timeout) {
        return new ConversionSpec(output, quality, width, height, upscale, keepMetadata, limits, timeout, compression,
                fit == null ? Fit.INSIDE : fit);
    }
}
