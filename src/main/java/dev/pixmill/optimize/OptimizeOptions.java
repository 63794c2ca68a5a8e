package dev.pixmill.optimize;

import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.Compression;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.web.FormValues;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The optimize dialect's fields, validated; every problem is a 400 naming the field.
 *
 * @param output the requested format; empty = keep the input's (see {@link #outputFor})
 * @param width the {@code ratio} box, null when none
 */
record OptimizeOptions(Optional<ImageFormat> output, int level, Integer width, Integer height, boolean json) {

    static final int DEFAULT_LEVEL = 10;
    static final Set<ImageFormat> OUTPUTS = Set.of(ImageFormat.JPEG, ImageFormat.PNG, ImageFormat.WEBP,
            ImageFormat.GIF, ImageFormat.AVIF);
    static final Set<ImageFormat> INPUTS = Set.of(ImageFormat.JPEG, ImageFormat.PNG, ImageFormat.WEBP,
            ImageFormat.GIF, ImageFormat.AVIF, ImageFormat.BMP, ImageFormat.TIFF, ImageFormat.SVG);
    private static final Pattern RATIO = Pattern.compile("\\s*(\\d{1,6})\\s*[xX\u00d7]\\s*(\\d{1,6})\\s*");
    private static final int MAX_SIDE = 100_000;

    static OptimizeOptions parse(OptimizeForm form) {
        Optional<ImageFormat> output = Optional.empty();
        if (FormValues.present(form.outputFormat)) {
            output = Optional.of(ImageFormat.fromName(form.outputFormat).filter(OUTPUTS::contains)
                    .orElseThrow(() -> new BadRequestException("invalid_parameter",
                            "output_format must be one of jpg, png, webp, gif, avif; not '" + form.outputFormat
                                    + "'")));
        }
        Integer quality = FormValues.integer("quality", form.quality, 1, Compression.MAX_LEVEL);
        int level = quality == null ? DEFAULT_LEVEL : quality;
        Integer width = null;
        Integer height = null;
        if (FormValues.present(form.ratio)) {
            Matcher m = RATIO.matcher(form.ratio);
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(2)) < 1
                    || Integer.parseInt(m.group(1)) > MAX_SIDE || Integer.parseInt(m.group(2)) > MAX_SIDE) {
                throw new BadRequestException("invalid_parameter",
                        "ratio must be WIDTHxHEIGHT with sides from 1 to " + MAX_SIDE + ", e.g. 800x600; not '"
                                + form.ratio + "'");
            }
            width = Integer.parseInt(m.group(1));
            height = Integer.parseInt(m.group(2));
        }
        boolean json = FormValues.present(form.response)
                && form.response.strip().toLowerCase(Locale.ROOT).equals("json");
        return new OptimizeOptions(output, level, width, height, json);
    }

    /** The requested format, else the input's; formats this dialect does not write give png. */
    ImageFormat outputFor(ImageFormat input) {
        return output.orElse(OUTPUTS.contains(input) ? input : ImageFormat.PNG);
    }
}
