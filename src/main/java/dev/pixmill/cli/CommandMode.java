package dev.pixmill.cli;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs {@code pixmill keys ...} as a Quarkus command-mode application of the same program, against
 * the configured database, with everything that would make it a replica switched off: no HTTP
 * port, no queue worker, no scheduler (lease recovery, purges), no webhook sender; logs only
 * warnings, on stderr, so stdout holds the command's answer alone.
 */
public final class CommandMode {

    /** Settings of the command-mode run; system properties, so they win over the environment. */
    static final Map<String, String> OVERRIDES = overrides();

    /** Where the command's answer goes: the process's stdout (System.out points to stderr meanwhile). */
    private static volatile PrintStream answers = System.out;

    private CommandMode() {
    }

    static PrintStream answers() {
        return answers;
    }

    public static boolean wants(String[] args) {
        return args.length > 0 && "keys".equals(args[0]);
    }

    /**
     * Runs {@code args} ({@code keys ...}); the exit code goes to Quarkus' exit handler (the
     * process exits with it). Help and usage errors are answered before anything starts, so they
     * need no database.
     */
    public static void run(String[] args) {
        String[] keysArgs = Arrays.copyOfRange(args, 1, args.length);
        int early = KeysCommand.check(keysArgs, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        if (early >= 0) {
            ApplicationLifecycleManager.getDefaultExitCodeHandler().accept(early, null);
            return;
        }
        Map<String, String> previous = new LinkedHashMap<>();
        OVERRIDES.forEach((name, value) -> previous.put(name, System.setProperty(name, value)));
        // stdout is the command's answer alone: whatever the start-up logs goes to stderr
        PrintStream stdout = System.out;
        answers = stdout;
        System.setOut(System.err);
        try {
            Quarkus.run(KeysApplication.class, keysArgs);
        } finally {
            System.setOut(stdout);
            // only reached when the exit handler returns (tests run the program in their JVM)
            previous.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }
    }

    private static Map<String, String> overrides() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("quarkus.http.host-enabled", "false");
        o.put("pixmill.jobs.worker-enabled", "false");
        o.put("pixmill.webhooks.sender-enabled", "false");
        o.put("quarkus.scheduler.enabled", "false");
        o.put("quarkus.banner.enabled", "false");
        o.put("quarkus.log.console.stderr", "true");
        o.put("quarkus.log.console.json.enabled", "false");
        o.put("quarkus.log.level", "WARN");
        o.put("quarkus.log.category.\"dev.pixmill\".level", "WARN");
        return Map.copyOf(o);
    }
}
