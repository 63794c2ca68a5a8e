package dev.pixmill;

import dev.pixmill.cli.CommandMode;
import dev.pixmill.cli.FileCommands;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.OptionalInt;

/**
 * Entry point of {@code java -jar quarkus-run.jar}. A JVM started without a heap size is
 * restarted once with Pixmill's measured defaults ({@link JvmDefaults}), so a plain
 * {@code java -jar} is as bounded as {@code bin/run}; then Quarkus starts as usual.
 * {@code keys ...} is the key command line ({@link CommandMode}) instead; {@code convert},
 * {@code optimize}, {@code compress} and {@code resize} work on files ({@link FileCommands}) without
 * starting Quarkus at all; {@code serve} (or no command) starts the service.
 */
@QuarkusMain
public final class PixmillMain {

    private PixmillMain() {
    }

    public static void main(String... args) {
        // a short command, not a replica: it runs in this JVM, with the server's parts switched off
        if (CommandMode.wants(args)) {
            CommandMode.run(args);
            return;
        }
        // no relaunch: a file command must start fast; bin/pixmill gives it bounded settings itself
        if (FileCommands.wants(args)) {
            System.exit(FileCommands.run(args));
        }
        if (args.length > 0 && args[0].equals("serve")) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        OptionalInt exit = JvmDefaults.relaunchIfUnsized(args);
        if (exit.isPresent()) {
            System.exit(exit.getAsInt());
        }
        Quarkus.run(args);
    }
}
