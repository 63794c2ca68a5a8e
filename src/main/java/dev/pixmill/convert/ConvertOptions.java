package dev.pixmill.convert;

import dev.pixmill.engine.Compression;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.engine.compress.Compressor;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.jobs.ConversionParams;

import static dev.pixmill.web.FormValues.integer;
import static dev.pixmill.web.FormValues.present;

import java.util.Locale;
import java.util.Map;

/**
 * The parameters of the conversion API, validated (all but webhook_url, which {@code webhooks.WebhookTargets}
 * checks). Multipart fields and JSON bodies use the same names and go through the same parser, so
 * both forms accept and refuse exactly the same things.
 */
public record ConvertOptions(ImageFormat output, int quality, Integer width, Integer height, boolean keepMetadata,
        Preset preset, Compression compression) {

    static final int MAX_BOX_SIDE = 100_000;

    public ConversionParams toParams(ImageLimits limits) {
        return new ConversionParams(output, quality, width, height, false, keepMetadata, limits, compression);
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
        if (compression.kind() == Compression.Kind.TARGET_KB && !Compressor.supportsTargetSize(kept)) {
            throw noTarget(kept);
        }
        return new ConvertOptions(kept, quality, width, height, keepMetadata, preset, compression);
    }

    /** {@code POST /api/v1/compress}: no box, the format of the input unless asked, a compression always. */
    static ConvertOptions parseCompress(Map<String, String> p, ConvertConfig config) {
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
    static ConvertOptions parse(Map<String, String> p, ConvertConfig config) {
        Preset preset = null;
        if (present(p.get("optimize_for"))) {
            String name = p.get("optimize_for");
            preset = Preset.byId(name).orElseThrow(() -> new BadRequestException("invalid_parameter",
                    "optimize_for must be one of the presets listed at /api/v1/presets, not '" + name + "'"));
        }
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
        String value = p.get(name);
        if (!present(value)) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new BadRequestException("invalid_parameter", name + " must be true or false");
        };
    }
}
