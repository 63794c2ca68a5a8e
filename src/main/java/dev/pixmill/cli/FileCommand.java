package dev.pixmill.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pixmill.cli.Inputs.Input;
import dev.pixmill.cli.RunReport.FileReport;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.error.BadRequestException;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the file commands share: inputs, where results go, parallelism, the report. Each command
 * adds its own options and gives them, under the HTTP dialect's field names, to that dialect's
 * parser ({@link #planner}), so a command accepts and refuses what its endpoint does.
 */
abstract class FileCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Image files, directories (their image files; "
            + "every level with -r), globs ('photos/**/*.jpg', quoted) or - for standard input.")
    List<String> inputs;

    @Option(names = { "-o", "--output" }, paramLabel = "DIR|FILE|-", description = "Where results go: a directory "
            + "(created; each input's path under its directory or glob kept), a file name (one input; its extension "
            + "is the format unless -f), or - for "
            + "standard output (one input). Default: beside each input; standard input goes to standard output.")
    String output;

    @Option(names = { "-r", "--recursive" }, description = "Directories: every level below, not only their own files.")
    boolean recursive;

    @Option(names = "--overwrite", description = "Let a result replace its input (same name and directory); "
            + "without it such a file fails and the input stays.")
    boolean overwrite;

    @Option(names = { "-j", "--jobs" }, paramLabel = "N", description = "Files converted at once (default: the "
            + "number of cores, ${DEFAULT-VALUE}).")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--json", description = "Print a JSON report on stdout: each file's input, output, format, "
            + "width, height, bytes_in, bytes_out, error; then the summary.")
    boolean json;

    @Option(names = "--quiet", description = "Show failures only: no progress, no summary.")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    final FileCommands.Streams streams;

    FileCommand(FileCommands.Streams streams) {
        this.streams = streams;
    }

    /**
     * The command's options as a conversion planner, through its dialect's mapping; a refused
     * option is a {@link BadRequestException} (a usage error, exit 2).
     */
    abstract FileRun.Planner planner(FileSettings settings);

    /** The output format when the options fix it (results can be named before any is read). */
    abstract Optional<ImageFormat> fixedOutput();

    /** The format {@code -o FILE}'s extension names, used unless {@code -f} says otherwise. */
    abstract void impliedFormat(String name);

    @Override
    public Integer call() {
        if (jobs < 1) {
            throw usage("--jobs must be 1 or more");
        }
        boolean onlyStdin = inputs.stream().allMatch("-"::equals);
        Destination destination = Destination.of(output, onlyStdin);
        if (inputs.contains("-") && destination.kind() == Destination.Kind.BESIDE) {
            throw usage("standard input (-) has no directory to write beside: give -o DIR, -o FILE or -o -");
        }
        if (json && destination.kind() == Destination.Kind.STDOUT) {
            throw usage("--json and results on standard output cannot share it: give -o DIR or FILE");
        }
        if (destination.kind() == Destination.Kind.FILE) {
            String name = destination.path().getFileName().toString();
            impliedFormat(name.substring(name.lastIndexOf('.') + 1));
        }
        FileSettings settings = FileSettings.load();
        FileRun.Planner planner;
        try {
            planner = planner(settings);
        } catch (BadRequestException e) {
            throw usage(optionNames(e.getMessage()));
        }
        long started = System.nanoTime();
        List<Input> found = Inputs.resolve(inputs, recursive,
                destination.kind() == Destination.Kind.DIRECTORY ? destination.path() : null);
        if (destination.single() && found.size() != 1) {
            throw usage((destination.kind() == Destination.Kind.STDOUT ? "standard output" : "-o " + output)
                    + " takes one input; these arguments give " + found.size() + " files: give -o DIR");
        }
        found = Inputs.separateCollisions(found, in -> fixedOutput().or(() -> Inputs.byExtension(in)),
                destination::directoryOf);
        Progress progress = new Progress(streams.err(), streams.terminal(), quiet);
        if (found.isEmpty()) {
            streams.err().println(spec.qualifiedName() + ": no image files found in " + String.join(" ", inputs)
                    + (recursive ? "" : " (-r looks into subdirectories)"));
        }
        ImageEngine engine = settings.newEngine();
        List<FileReport> reports = new FileRun(engine, settings.limits(), planner, destination, overwrite,
                streams.in(), streams.out(), this::optionNames).run(found, jobs, progress);
        RunReport.Summary summary = RunReport.Summary.of(reports, (System.nanoTime() - started) / 1e9);
        progress.summary(summary);
        if (json) {
            printJson(new RunReport(spec.name(), reports, summary));
        }
        return summary.failed() == 0 && summary.files() > 0 ? 0 : 1;
    }

    private void printJson(RunReport report) {
        ObjectMapper mapper = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT);
        try {
            streams.out().write(mapper.writeValueAsBytes(report));
            streams.out().write('\n');
            streams.out().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** The dialect's field names in a refusal, as this command's options. */
    String optionNames(String message) {
        Map<String, String> names = new HashMap<>(Map.of("output_format", "--format", "smart_quality",
                "--smart-quality", "target_kb", "--target-kb", "keep_metadata", "--keep-metadata", "optimize_for",
                "--preset", "quality", "--quality", "width", "--width", "height", "--height", "percent", "--percent",
                "preset", "--preset"));
        names.put("fit", "--fit");
        names.put("upscale", "--upscale");
        names.putAll(renamed());
        Matcher m = Pattern.compile("(?<![\\w-])(" + String.join("|", names.keySet()) + ")(?![\\w])").matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(names.get(m.group(1))));
        }
        m.appendTail(out);
        return out.toString().replace("the presets listed at /api/v1/presets", "the presets --help lists");
    }

    /** Dialect fields this command names differently (optimize: its quality is --level). */
    Map<String, String> renamed() {
        return Map.of();
    }

    /** Puts a given option under its dialect name. */
    static void put(Map<String, String> fields, String name, Object value) {
        if (value != null && !Boolean.FALSE.equals(value)) {
            fields.put(name, value.toString());
        }
    }

    static String presetIds() {
        return String.join(", ", java.util.Arrays.stream(dev.pixmill.convert.Preset.values())
                .map(dev.pixmill.convert.Preset::id).toList());
    }
}
