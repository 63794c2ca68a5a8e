package dev.pixmill.cli;

import dev.pixmill.convert.ConvertConfig;
import dev.pixmill.convert.ConvertOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code pixmill convert}: {@code POST /api/v1/convert} on files (same fields, defaults and refusals). */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Convert images to another format (POST /api/v1/convert).",
                "Optionally fits them inside a box; the same fields, defaults and refusals as the API.",
                "Example: pixmill convert photos/ -r -o out/ -f webp --width 800" })
class ConvertCommand extends ConvertFieldsCommand {

    @Option(names = { "-f", "--format" }, paramLabel = "FORMAT", description = "Output format: jpg (jpeg), png, "
            + "webp, avif, gif, ico, bmp, tiff (tif), pdf, heic, svg. Default jpg (pixmill.convert.default-format), "
            + "or the preset's.")
    String format;

    @Option(names = { "-q", "--quality" }, paramLabel = "1-100", description = "Encoder quality (default 85, "
            + "with a preset its platform quality); lossless formats ignore it.")
    String quality;

    @Option(names = "--width", paramLabel = "PX", description = "Box width; alone it keeps the aspect ratio; "
            + "never enlarges.")
    String width;

    @Option(names = "--height", paramLabel = "PX", description = "Box height; alone it keeps the aspect ratio; "
            + "never enlarges.")
    String height;

    @Option(names = "--preset", paramLabel = "NAME", description = "A platform preset (listed below): its box, "
            + "a suitable quality, favicon also ico (the API's optimize_for).")
    String preset;

    @Option(names = "--smart-quality", paramLabel = "low|medium|high", description = "The smallest file whose "
            + "perceptual quality (SSIM) looks like a q65, q80 or q90 encode; overrides --quality.")
    String smartQuality;

    @Option(names = "--target-kb", paramLabel = "KB", description = "At most this many KB (1-51200): the highest "
            + "quality that fits, scaled down if needed; lossy formats only; not with --quality or --smart-quality.")
    String targetKb;

    @Option(names = "--keep-metadata", description = "Keep EXIF/ICC where the format holds them (default: stripped).")
    boolean keepMetadata;

    ConvertCommand(FileCommands.Streams streams) {
        super(streams);
    }

    @Override
    void fields(Map<String, String> fields) {
        put(fields, "output_format", format);
        put(fields, "quality", quality);
        put(fields, "width", width);
        put(fields, "height", height);
        put(fields, "optimize_for", preset);
        put(fields, "smart_quality", smartQuality);
        put(fields, "target_kb", targetKb);
        put(fields, "keep_metadata", keepMetadata);
    }

    @Override
    ConvertOptions parse(Map<String, String> fields, ConvertConfig config) {
        return ConvertOptions.parse(fields, config);
    }

    @Override
    void impliedFormat(String name) {
        if (format == null) {
            format = name;
        }
    }
}
