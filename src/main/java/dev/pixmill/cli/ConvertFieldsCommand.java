package dev.pixmill.cli;

import dev.pixmill.convert.ConvertConfig;
import dev.pixmill.convert.ConvertOptions;
import dev.pixmill.engine.ImageFormat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A file command of the conversion dialect ({@code convert}, {@code compress}, {@code resize}):
 * its options go, under the API's field names, to its endpoint's {@link ConvertOptions} parser,
 * and each file is planned as the endpoint plans it.
 */
abstract class ConvertFieldsCommand extends FileCommand {

    private ConvertOptions options;

    ConvertFieldsCommand(FileCommands.Streams streams) {
        super(streams);
    }

    /** Puts the options given on the command line, under the endpoint's field names ({@link #put}). */
    abstract void fields(Map<String, String> fields);

    /** The endpoint's parser of those fields. */
    abstract ConvertOptions parse(Map<String, String> fields, ConvertConfig config);

    @Override
    final FileRun.Planner planner(FileSettings settings) {
        Map<String, String> fields = new HashMap<>();
        fields(fields);
        options = parse(fields, settings.convert());
        return (input, info) -> options.plan(info, settings.limits()).toSpec(settings.timeout());
    }

    @Override
    final Optional<ImageFormat> fixedOutput() {
        return Optional.ofNullable(options.output());
    }
}
