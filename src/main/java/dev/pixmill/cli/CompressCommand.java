package dev.pixmill.cli;

import dev.pixmill.convert.ConvertConfig;
import dev.pixmill.convert.ConvertOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code pixmill compress}: {@code POST /api/v1/compress} on files; the format is kept unless -f. */
@Command(name = "compress", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Make images smaller, keeping their format (POST /api/v1/compress).",
                "Smart quality "
                + "medium by default, or a quality never larger than the original, or a target size. "
                + "Example: pixmill compress shop/ -r -o small/ --target-kb 200" })
class CompressCommand extends ConvertFieldsCommand {

    @Option(names = { "-f", "--format" }, paramLabel = "FORMAT", description = "Output format (default: the "
            + "input's; SVG and PDF give png).")
    String format;

    @Option(names = { "-q", "--quality" }, paramLabel = "1-100", description = "This encoder quality, but never "
            + "larger than the original in the same format.")
    String quality;

    @Option(names = "--smart-quality", paramLabel = "low|medium|high", description = "The smallest file whose "
            + "perceptual quality (SSIM) looks like a q65, q80 or q90 encode (default medium).")
    String smartQuality;

    @Option(names = "--target-kb", paramLabel = "KB", description = "At most this many KB (1-51200); lossy "
            + "formats only (jpg, webp, avif, heic); not with --quality or --smart-quality.")
    String targetKb;

    @Option(names = "--keep-metadata", description = "Keep EXIF/ICC where the format holds them (default: stripped).")
    boolean keepMetadata;

    CompressCommand(FileCommands.Streams streams) {
        super(streams);
    }

    @Override
    void fields(Map<String, String> fields) {
        put(fields, "output_format", format);
        put(fields, "quality", quality);
        put(fields, "smart_quality", smartQuality);
        put(fields, "target_kb", targetKb);
        put(fields, "keep_metadata", keepMetadata);
    }

    @Override
    ConvertOptions parse(Map<String, String> fields, ConvertConfig config) {
        return ConvertOptions.parseCompress(fields, config);
    }

    @Override
    void impliedFormat(String name) {
        if (format == null) {
            format = name;
        }
    }
}
