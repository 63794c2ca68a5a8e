package dev.pixmill.tasks;

import dev.pixmill.engine.Compression;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageInfo;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.jobs.ConversionParams;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static dev.pixmill.web.FormValues.integer;
import static dev.pixmill.web.FormValues.present;

/**
 * The options of one compression task, validated; every problem is a 400 naming the field.
 *
 * @param format null: chosen from the input ({@link #output})
 * @param quality null unless given
 * @param kbyte null unless a target above 0 KB was given
 * @param width null unless above 0
 * @param height null unless above 0
 */
public record TaskRequest(boolean sync, ImageFormat format, ReturnType returnType, Integer quality, Integer kbyte,
        Integer width, Integer height) {

    /** Outputs the dialect offers. */
    static final Set<ImageFormat> OUTPUTS = EnumSet.of(ImageFormat.JPEG, ImageFormat.PNG, ImageFormat.WEBP);
    static final int MAX_SIDE = 8000;
    /** The encoder quality handed on beside the compression (used only where no search applies). */
    static final int BASE_QUALITY = 85;

    /** What {@code image} holds in the answer. */
    public enum ReturnType {
        URL(1), BASE64(2);

        final int code;

        ReturnType(int code) {
            this.code = code;
        }

        static ReturnType of(int code) {
            return code == 2 ? BASE64 : URL;
        }
    }

    static TaskRequest parse(Map<String, String> p) {
        boolean sync = choice(p, "sync", 0, 0, 1) == 1;
        ImageFormat format = null;
        if (present(p.get("format"))) {
            String name = p.get("format");
            format = ImageFormat.fromName(name).filter(OUTPUTS::contains).orElseThrow(() -> new BadRequestException(
                    "invalid_parameter", "format must be jpg, jpeg, png or webp, not '" + name + "'"));
        }
        ReturnType returnType = ReturnType.of(choice(p, "return_type", 1, 1, 2));
        Integer quality = integer(p, "quality", 1, 100);
        Integer kbyte = integer(p, "kbyte", 0, Compression.MAX_TARGET_KB);
        if (kbyte != null && kbyte == 0) {
            kbyte = null; // 0 is "no target"
        }
        if (quality != null && kbyte != null) {
            throw new BadRequestException("invalid_parameter", "give quality or kbyte, not both");
        }
        if (kbyte != null && format == ImageFormat.PNG) {
            throw pngTarget();
        }
        return new TaskRequest(sync, format, returnType, quality, kbyte, positive(integer(p, "width", 0, MAX_SIDE)),
                positive(integer(p, "height", 0, MAX_SIDE)));
    }

    /** The format asked for, else the input's if the dialect writes it, else png when it has alpha, else jpg. */
    ImageFormat output(ImageInfo input) {
        if (format != null) {
            return format;
        }
        if (OUTPUTS.contains(input.format())) {
            return input.format();
        }
        return input.hasAlpha() ? ImageFormat.PNG : ImageFormat.JPEG;
    }

    Compression compression() {
        if (quality != null) {
            return Compression.quality(quality);
        }
        if (kbyte != null) {
            return Compression.targetKb(kbyte);
        }
        return Compression.smart(Compression.Smart.MEDIUM);
    }

    /** The engine's parameters for this input; a target size for a png result is refused before it is queued. */
    ConversionParams params(ImageInfo input, ImageLimits limits) {
        ImageFormat output = output(input);
        if (kbyte != null && output == ImageFormat.PNG) {
            throw pngTarget();
        }
        return new ConversionParams(output, quality != null ? quality : BASE_QUALITY, width, height, false, false,
                limits, compression());
    }

    private static BadRequestException pngTarget() {
        return new BadRequestException("invalid_parameter",
                "kbyte needs a lossy output (jpg or webp); png is lossless and has no size target");
    }

    private static int choice(Map<String, String> p, String name, int absent, int min, int max) {
        Integer v = integer(p, name, min, max);
        return v == null ? absent : v;
    }

    private static Integer positive(Integer v) {
        return v == null || v == 0 ? null : v;
    }
}
