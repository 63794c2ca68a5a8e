package dev.pixmill.cli;

import dev.pixmill.convert.ConvertConfig;
import dev.pixmill.convert.ConvertOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code pixmill resize}: {@code POST /api/v1/resize} on files; the format is kept unless -f. */
@Command(name = "resize", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Resize images, keeping their format (POST /api/v1/resize).",
                "Exactly one of "
                + "--percent, a box (--width/--height) or --preset. Example: pixmill resize shop/ -o thumbs/ "
                + "--width 300 --height 300 --fit cover" })
class ResizeCommand extends ConvertFieldsCommand {

    @Option(names = "--percent", paramLabel = "1-1000", description = "This percent of each side (rounded); above "
            + "100 enlarges. Not with a box, a preset or --fit.")
    String percent;

    @Option(names = "--width", paramLabel = "PX", description = "Box width; alone it keeps the aspect ratio.")
    String width;

    @Option(names = "--height", paramLabel = "PX", description = "Box height; alone it keeps the aspect ratio.")
    String height;

    @Option(names = "--preset", paramLabel = "NAME", description = "A platform preset's box (listed below); "
            + "favicon also gives ico.")
    String preset;

    @Option(names = "--fit", paramLabel = "inside|cover|contain", description = "inside (default) fits within the "
            + "box; cover fills it and crops the overflow, centred; contain fits and pads to exactly the box. cover "
            + "and contain need both sides (or a preset).")
    String fit;

    @Option(names = "--upscale", description = "Allow enlarging to the box (never by default).")
    boolean upscale;

    @Option(names = { "-f", "--format" }, paramLabel = "FORMAT", description = "Output format (default: the "
            + "input's; SVG and PDF give png; favicon gives ico).")
    String format;

    @Option(names = { "-q", "--quality" }, paramLabel = "1-100", description = "Encoder quality (default 85, with a "
            + "preset its platform quality).")
    String quality;

    @Option(names = "--keep-metadata", description = "Keep EXIF/ICC where the format holds them (default: stripped).")
    boolean keepMetadata;

    ResizeCommand(FileCommands.Streams streams) {
        super(streams);
    }

    @Override
    void fields(Map<String, String> fields) {
        put(fields, "percent", percent);
        put(fields, "width", width);
        put(fields, "height", height);
        put(fields, "preset", preset);
        put(fields, "fit", fit);
        put(fields, "upscale", upscale);
        put(fields, "output_format", format);
        put(fields, "quality", quality);
        put(fields, "keep_metadata", keepMetadata);
    }

    @Override
    ConvertOptions parse(Map<String, String> fields, ConvertConfig config) {
        return ConvertOptions.parseResize(fields, config);
    }

    @Override
    void impliedFormat(String name) {
        if (format == null) {
            format = name;
        }
    }
}
