package dev.pixmill.optimize;

import dev.pixmill.engine.Compression;
import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.FormatSniffer;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.web.FormValues;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The optimize dialect's fields, validated; every problem is a 400 naming the field. Free of HTTP,
 * so the command line ({@code pixmill optimize}) maps its options through the same rules.
 *
 * @param output the requested format; empty = keep the input's (see {@link #outputFor})
 * @param width the {@code ratio} box, null when none
 */
public record OptimizeOptions(Optional<ImageFormat> output, int level, Integer width, Integer height, boolean json) {

    static final int DEFAULT_LEVEL = 10;
    static final Set<ImageFormat> OUTPUTS = Set.of(ImageFormat.JPEG, ImageFormat.PNG, ImageFormat.WEBP,
            ImageFormat.GIF, ImageFormat.AVIF);
    static final Set<ImageFormat> INPUTS = Set.of(ImageFormat.JPEG, ImageFormat.PNG, ImageFormat.WEBP,
            ImageFormat.GIF, ImageFormat.AVIF, ImageFormat.BMP, ImageFormat.TIFF, ImageFormat.SVG);
    private static final Pattern RATIO = Pattern.compile("\\s*(\\d{1,6})\\s*[xX\u00d7]\\s*(\\d{1,6})\\s*");
    private static final int MAX_SIDE = 100_000;

    static OptimizeOptions parse(OptimizeForm form) {
        return parse(form.outputFormat, form.quality, form.ratio, form.response);
    }

    /** The dialect's text fields ({@code quality} is the level 1-10, {@code ratio} WIDTHxHEIGHT); null when absent. */
    public static OptimizeOptions parse(String outputFormat, String quality, String ratio, String response) {
        Optional<ImageFormat> output = Optional.empty();
        if (FormValues.present(outputFormat)) {
            output = Optional.of(ImageFormat.fromName(outputFormat).filter(OUTPUTS::contains)
                    .orElseThrow(() -> new BadRequestException("invalid_parameter",
                            "output_format must be one of jpg, png, webp, gif, avif; not '" + outputFormat
                                    + "'")));
        }
        Integer level = FormValues.integer("quality", quality, 1, Compression.MAX_LEVEL);
        Integer width = null;
        Integer height = null;
        if (FormValues.present(ratio)) {
            Matcher m = RATIO.matcher(ratio);
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(2)) < 1
                    || Integer.parseInt(m.group(1)) > MAX_SIDE || Integer.parseInt(m.group(2)) > MAX_SIDE) {
                throw new BadRequestException("invalid_parameter",
                        "ratio must be WIDTHxHEIGHT with sides from 1 to " + MAX_SIDE + ", e.g. 800x600; not '"
                                + ratio + "'");
            }
            width = Integer.parseInt(m.group(1));
            height = Integer.parseInt(m.group(2));
        }
        boolean json = FormValues.present(response) && response.strip().toLowerCase(Locale.ROOT).equals("json");
        return new OptimizeOptions(output, level == null ? DEFAULT_LEVEL : level, width, height, json);
    }

    /** The input's format, if it is one this dialect reads (else a 400 unsupported_format). */
    public static ImageFormat inputFormat(byte[] bytes) {
        return FormatSniffer.sniff(bytes).filter(INPUTS::contains)
                .orElseThrow(() -> new BadRequestException("unsupported_format",
                        "the file is not an image the optimize API reads: "
                                + "JPEG, PNG, WebP, GIF, AVIF, BMP, TIFF or SVG"));
    }

    /** The requested format, else the input's; formats this dialect does not write give png. */
    public ImageFormat outputFor(ImageFormat input) {
        return output.orElse(OUTPUTS.contains(input) ? input : ImageFormat.PNG);
    }

    /** The conversion for an input of this format: the level's compression search, metadata stripped. */
    public ConversionSpec spec(ImageFormat input, ImageLimits limits, Duration timeout) {
        return new ConversionSpec(outputFor(input), 80, width, height, false, false, limits, timeout,
                Compression.level(level));
    }
}
