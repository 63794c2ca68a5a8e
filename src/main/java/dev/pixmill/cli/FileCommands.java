package dev.pixmill.cli;

import dev.pixmill.error.PixmillException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code pixmill convert|optimize|compress|resize ...}: the engine on files, in this JVM, without
 * Quarkus (no database, no HTTP, no configuration beyond {@link FileSettings}), so a one-file run
 * starts in well under a second. {@code pixmill --help} lists these with {@code keys} and
 * {@code serve}, which {@code PixmillMain} runs itself. Exit codes: 0 every file done, 1 some
 * failed (or none found), 2 usage error.
 */
@Command(name = "pixmill", mixinStandardHelpOptions = true, version = "pixmill 0.1.0",
        description = "Self-hosted image conversion: the HTTP service (serve) and the same engine on files.",
        commandListHeading = "%nCommands:%n",
        footer = { "", "With no command, pixmill serves (as bin/run does). 'pixmill COMMAND --help' tells more.",
                "", "Exit codes: 0 every file done, 1 some file failed (each reported; the others are written), "
                        + "2 usage error." })
// picocli reads its annotations by reflection (a native image needs them registered; --help's mixin too)
@RegisterForReflection(targets = { FileCommands.class, FileCommand.class, ConvertFieldsCommand.class, ConvertCommand.class,
        CompressCommand.class, ResizeCommand.class, OptimizeCommand.class, FileCommands.Serve.class,
        CommandLine.HelpCommand.class }, classNames = "picocli.CommandLine$AutoHelpMixin")
public final class FileCommands implements Runnable {

    static final Set<String> COMMANDS = Set.of("convert", "optimize", "compress", "resize");
    private static final Set<String> HELP = Set.of("-h", "--help", "help", "-V", "--version");

    /** Kept so the level set below is not collected with its logger. */
    private static final Logger ENGINE_LOG = Logger.getLogger("dev.pixmill");

    /**
     * Where a run reads and writes: results and {@code --json} on {@code out}, progress and
     * failures on {@code err} (a bar when {@code terminal}).
     */
    public record Streams(InputStream in, PrintStream out, PrintStream err, boolean terminal) {

        static Streams system() {
            return new Streams(System.in, System.out, System.err, stderrIsTerminal());
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Listed in the help only: {@code PixmillMain} starts the service itself. */
    @Command(name = "serve", description = "Start the HTTP service (the default with no command).")
    static final class Serve implements Runnable {
        @Override
        public void run() {
            throw new IllegalStateException("serve is started by PixmillMain");
        }
    }

    private FileCommands() {
    }

    /** Whether PixmillMain hands {@code args} to this command line. */
    public static boolean wants(String[] args) {
        return args.length > 0 && (COMMANDS.contains(args[0]) || HELP.contains(args[0]));
    }

    /** The program's run: its own process, so the logging is its own too. */
    public static int run(String[] args) {
        // the engine logs failures with their stack; here each file's failure is already one report line
        ENGINE_LOG.setLevel(Level.SEVERE);
        return run(args, Streams.system());
    }

    public static int run(String[] args, Streams streams) {
        return commandLine(streams).execute(args);
    }

    static CommandLine commandLine(Streams streams) {
        CommandLine line = new CommandLine(new FileCommands());
        String presets = "Presets: " + FileCommand.presetIds() + ".";
        for (FileCommand c : new FileCommand[] { new ConvertCommand(streams), new OptimizeCommand(streams),
                new CompressCommand(streams), new ResizeCommand(streams) }) {
            CommandLine sub = new CommandLine(c);
            if (c instanceof ConvertCommand || c instanceof ResizeCommand) {
                sub.getCommandSpec().usageMessage().footer("", presets);
            }
            java.util.Map<String, String> exits = new java.util.LinkedHashMap<>();
            exits.put("0", "every file done");
            exits.put("1", "some file failed (reported; the others are written), or no image file found");
            exits.put("2", "usage error (unknown or invalid option, conflicting options)");
            sub.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exits);
            line.addSubcommand(sub);
        }
        line.addSubcommand("keys", KeysCommand.commandLine(null, new PrintWriter(streams.err(), true),
                new PrintWriter(streams.err(), true)));
        line.addSubcommand(new Serve());
        line.addSubcommand("help", new CommandLine.HelpCommand());
        line.setOut(new PrintWriter(streams.out(), true));
        line.setErr(new PrintWriter(streams.err(), true));
        line.setExecutionExceptionHandler((e, command, parsed) -> {
            String code = e instanceof PixmillException p ? p.code() : "failed";
            command.getErr().println("pixmill " + command.getCommandName() + ": " + code + ": " + e.getMessage());
            command.getErr().flush();
            return 1;
        });
        return line;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** Linux: whether fd 2 is a terminal (System.console() looks at stdin and stdout instead). */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return System.console() != null && System.console().isTerminal();
        }
    }
}
