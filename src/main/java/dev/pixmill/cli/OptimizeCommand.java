package dev.pixmill.cli;

import dev.pixmill.engine.ImageFormat;
import dev.pixmill.optimize.OptimizeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.Optional;

/** {@code pixmill optimize}: {@code POST /api/v1/optimize} (the optimize dialect) on files. */
@Command(name = "optimize", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Optimize images at a level 1-10 (POST /api/v1/optimize).",
                "Level 1 (lossless passes only: identical pixels) to 10 (every "
                + "lossy pass), as POST /api/v1/optimize does; a higher level never gives a larger file. The format "
                + "is kept (BMP, TIFF and SVG give png) unless -f. Example: pixmill optimize site/img -r -o dist/img "
                + "--level 7" })
class OptimizeCommand extends FileCommand {

    @Option(names = "--level", paramLabel = "1-10", description = "Compression level (default 10; the API's "
            + "quality).")
    String level;

    @Option(names = { "-f", "--format" }, paramLabel = "FORMAT", description = "jpg (jpeg), png, webp, gif or avif "
            + "(default: the input's).")
    String format;

    @Option(names = "--width", paramLabel = "PX", description = "With --height, a box to fit inside (the API's "
            + "ratio); never enlarges.")
    Integer width;

    @Option(names = "--height", paramLabel = "PX", description = "With --width, a box to fit inside.")
    Integer height;

    private OptimizeOptions options;

    OptimizeCommand(FileCommands.Streams streams) {
        super(streams);
    }

    @Override
    FileRun.Planner planner(FileSettings settings) {
        if ((width == null) != (height == null)) {
            throw usage("optimize fits inside a box of both sides: give --width and --height");
        }
        options = OptimizeOptions.parse(format, level, width == null ? null : width + "x" + height, null);
        return (input, info) -> {
            OptimizeOptions.inputFormat(input); // the dialect's inputs (no ICO, HEIC or PDF)
            return options.spec(info.format(), settings.limits(), settings.timeout());
        };
    }

    @Override
    void impliedFormat(String name) {
        if (format == null) {
            format = name;
        }
    }

    @Override
    Optional<ImageFormat> fixedOutput() {
        return options.output();
    }

    @Override
    Map<String, String> renamed() {
        return Map.of("quality", "--level", "ratio", "--width/--height");
    }
}
