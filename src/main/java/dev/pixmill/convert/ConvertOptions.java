package dev.pixmill.convert;

import dev.pixmill.engine.Compression;
import dev.pixmill.engine.Fit;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageInfo;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.engine.compress.Compressor;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.jobs.ConversionParams;

import static dev.pixmill.web.FormValues.integer;
import static dev.pixmill.web.FormValues.present;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of the conversion API, validated (all but webhook_url, which {@code webhooks.WebhookTargets}
 * checks). Multipart fields and JSON bodies use the same names and go through the same parser, so
 * both forms accept and refuse exactly the same things. Free of HTTP: the command line
 * ({@code pixmill convert|compress|resize}) gives its options under the same names to the same parsers.
 */
public record ConvertOptions(ImageFormat output, int quality, Integer width, Integer height, boolean keepMetadata,
        Preset preset, Compression compression, Resize resize) {

    static final int MAX_BOX_SIDE = 100_000;
    static final int MAX_PERCENT = 1000;

    /**
     * What only {@code POST /api/v1/resize} asks for.
     *
     * @param percent the scale, resolved to a box once the input's size is known; null for a box
     * @param presetQuality the quality is the preset's for the format, known once the input is
     */
    record Resize(Fit fit, boolean upscale, Integer percent, boolean presetQuality) {
    }

    /** A conversion that fits inside its box and never enlarges. */
    public ConvertOptions(ImageFormat output, int quality, Integer width, Integer height, boolean keepMetadata,
            Preset preset, Compression compression) {
        this(output, quality, width, height, keepMetadata, preset, compression, null);
    }

    public ConversionParams toParams(ImageLimits limits) {
        return new ConversionParams(output, quality, width, height, resize != null && resize.upscale(), keepMetadata,
                limits, compression, resize == null ? Fit.INSIDE : resize.fit());
    }

    /**
     * What to queue for this input: the format kept when none was asked, a percent made a box of the
     * input's displayed size, and a result over the pixel limits refused before anything is queued.
     */
    public ConversionParams plan(ImageInfo input, ImageLimits limits) {
        ConvertOptions options = forInput(input.format());
        if (resize != null && resize.percent() != null) {
            options = options.scaled(input);
        }
        ConversionParams params = options.toParams(limits);
        ImageEngine.checkResultSize(input, params.toSpec(Duration.ZERO)); // the deadline does not change a size
        return params;
    }

    /**
     * A percent as a box: round(side × percent / 100) of the displayed sides, at least 1, filled
     * (cover) so that the result has exactly that size; the crop takes off at most the rounding.
     */
    private ConvertOptions scaled(ImageInfo input) {
        int p = resize.percent();
        int w = (int) Math.max(1, Math.round(input.displayWidth() * p / 100.0));
        int h = (int) Math.max(1, Math.round(input.displayHeight() * p / 100.0));
        return new ConvertOptions(output, quality, w, h, keepMetadata, preset, compression,
                new Resize(Fit.COVER, p > 100, p, resize.presetQuality()));
    }

    /**
     * The options for an input of this format: {@code POST /api/v1/compress} keeps the input's
     * format when none is asked (output null until the input is known).
     */
    ConvertOptions forInput(ImageFormat input) {
        if (output != null) {
            return this;
        }
        ImageFormat kept = input.writable() && input != ImageFormat.PDF && input != ImageFormat.SVG ? input
                : ImageFormat.PNG;
        if (compression != null && compression.kind() == Compression.Kind.TARGET_KB
                && !Compressor.supportsTargetSize(kept)) {
            throw noTarget(kept);
        }
        int q = resize != null && resize.presetQuality() ? preset.quality(kept) : quality;
        return new ConvertOptions(kept, q, width, height, keepMetadata, preset, compression, resize);
    }

    /**
     * {@code POST /api/v1/resize}: exactly one of percent, a box (width and/or height) or a preset;
     * the input's format unless asked (or the preset's own, favicon's ico); one plain encode.
     */
    public static ConvertOptions parseResize(Map<String, String> p, ConvertConfig config) {
        Integer percent = integer(p, "percent", 1, MAX_PERCENT);
        Integer width = integer(p, "width", 1, MAX_BOX_SIDE);
        Integer height = integer(p, "height", 1, MAX_BOX_SIDE);
        Preset preset = present(p.get("preset")) ? preset(p, "preset") : null;
        List<String> sizes = new ArrayList<>();
        if (percent != null) {
            sizes.add("percent");
        }
        if (width != null || height != null) {
            sizes.add(width != null && height != null ? "width/height" : width != null ? "width" : "height");
        }
        if (preset != null) {
            sizes.add("preset");
        }
        if (sizes.size() != 1) {
            throw new BadRequestException("invalid_parameter", "give exactly one of percent, width/height or preset"
                    + (sizes.isEmpty() ? "" : ", not " + String.join(" and ", sizes)));
        }
        Fit fit = Fit.INSIDE;
        if (present(p.get("fit"))) {
            String name = p.get("fit");
            fit = Fit.of(name).orElseThrow(() -> new BadRequestException("invalid_parameter",
                    "fit must be inside, cover or contain, not '" + name + "'"));
            if (percent != null) {
                throw new BadRequestException("invalid_parameter",
                        "fit needs a box (width and height, or a preset); percent keeps the proportions");
            }
            if (fit != Fit.INSIDE && preset == null && (width == null || height == null)) {
                throw new BadRequestException("invalid_parameter",
                        "fit=" + fit.id() + " needs a box of both sides: give width and height, or a preset");
            }
        }
        Boolean upscale = optionalBool(p, "upscale");
        if (percent != null && percent > 100 && Boolean.FALSE.equals(upscale)) {
            throw new BadRequestException("invalid_parameter",
                    "percent above 100 enlarges the image, which upscale=false forbids");
        }
        ImageFormat output = present(p.get("output_format")) ? outputFormat(p)
                : preset != null ? preset.format().orElse(null) : null;
        Integer quality = integer(p, "quality", 1, 100);
        boolean presetQuality = quality == null && preset != null;
        int q = quality != null ? quality
                : presetQuality && output != null ? preset.quality(output) : config.defaultQuality();
        if (preset != null) {
            width = preset.width();
            height = preset.height();
        }
        boolean enlarge = percent != null ? percent > 100 : Boolean.TRUE.equals(upscale);
        return new ConvertOptions(output, q, width, height, bool(p, "keep_metadata"), preset, null,
                new Resize(fit, enlarge, percent, presetQuality && output == null));
    }

    /** {@code POST /api/v1/compress}: no box, the format of the input unless asked, a compression always. */
    public static ConvertOptions parseCompress(Map<String, String> p, ConvertConfig config) {
        ImageFormat output = present(p.get("output_format")) ? outputFormat(p) : null;
        Integer quality = integer(p, "quality", 1, 100);
        Compression c = compression(p, quality, output);
        if (c == null) { // a fixed quality is never larger than the original in the same format
            c = quality != null ? Compression.quality(quality) : Compression.smart(Compression.Smart.MEDIUM);
        }
        return new ConvertOptions(output, quality != null ? quality : config.defaultQuality(), null, null,
                bool(p, "keep_metadata"), null, c);
    }

    /** Parses the parameters; every problem is a 400 naming the parameter. */
    public static ConvertOptions parse(Map<String, String> p, ConvertConfig config) {
        Preset preset = present(p.get("optimize_for")) ? preset(p, "optimize_for") : null;
        ImageFormat output = present(p.get("output_format")) ? outputFormat(p)
                : preset != null && preset.format().isPresent() ? preset.format().get()
                : ImageFormat.fromName(config.defaultFormat()).orElse(ImageFormat.JPEG);
        Integer width = integer(p, "width", 1, MAX_BOX_SIDE);
        Integer height = integer(p, "height", 1, MAX_BOX_SIDE);
        if (preset != null && width == null && height == null) {
            width = preset.width();
            height = preset.height();
        }
        Integer quality = integer(p, "quality", 1, 100);
        int q = quality != null ? quality : preset != null ? preset.quality(output) : config.defaultQuality();
        boolean keepMetadata = bool(p, "keep_metadata");
        return new ConvertOptions(output, q, width, height, keepMetadata, preset, compression(p, quality, output));
    }

    /**
     * smart_quality overrides quality (as the contract says); a target size is a third goal, so it
     * goes with neither. None of them: a plain encode at {@code quality}, no search.
     */
    static Compression compression(Map<String, String> p, Integer quality, ImageFormat output) {
        Compression smart = null;
        if (present(p.get("smart_quality"))) {
            String name = p.get("smart_quality").strip();
            try {
                smart = Compression.smart(Compression.Smart.of(name));
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("invalid_parameter",
                        "smart_quality must be low, medium or high, not '" + name + "'");
            }
        }
        Integer kb = integer(p, "target_kb", 1, Compression.MAX_TARGET_KB);
        if (kb == null) {
            return smart;
        }
        if (smart != null || quality != null) {
            throw new BadRequestException("invalid_parameter",
                    "target_kb is a goal of its own: give it without quality and smart_quality");
        }
        if (output != null && !Compressor.supportsTargetSize(output)) { // refused before anything is queued
            throw noTarget(output);
        }
        return Compression.targetKb(kb);
    }

    private static Preset preset(Map<String, String> p, String field) {
        String name = p.get(field);
        return Preset.byId(name).orElseThrow(() -> new BadRequestException("invalid_parameter",
                field + " must be one of the presets listed at /api/v1/presets, not '" + name + "'"));
    }

    private static ImageFormat outputFormat(Map<String, String> p) {
        return ImageFormat.fromName(p.get("output_format")).filter(ImageFormat::writable)
                .orElseThrow(() -> new BadRequestException("invalid_parameter", "output_format must be one of "
                        + "jpg, jpeg, png, webp, avif, gif, ico, bmp, tiff, tif, pdf, heic, svg; not '"
                        + p.get("output_format") + "'"));
    }

    private static BadRequestException noTarget(ImageFormat output) {
        return new BadRequestException("invalid_parameter", "target_kb needs a lossy output format (jpg, webp, "
                + "avif or heic), not " + output.extension());
    }

    private static boolean bool(Map<String, String> p, String name) {
        return Boolean.TRUE.equals(optionalBool(p, name));
    }

    /** true, false, or null when not given. */
    private static Boolean optionalBool(Map<String, String> p, String name) {
        String value = p.get(name);
        if (!present(value)) {
            return null;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new BadRequestException("invalid_parameter", name + " must be true or false");
        };
    }
}
