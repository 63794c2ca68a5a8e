package dev.pixmill;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The JVM settings Pixmill was measured with (README, Benchmarks and Memory): a heap of at most
 * 192 MB that starts at 64 MB and gives memory back, the serial collector, compact object
 * headers, two glibc arenas. A JVM left to its own defaults
 * takes a quarter of the machine's memory for its heap and fills much of it under load (a plain
 * {@code java -jar} peaked at 1.26 GB RSS where the launcher's settings peaked far lower), and
 * nothing inside a running JVM can lower its maximum heap. So when no heap size was chosen
 * (no {@code -Xmx}, {@code -XX:MaxHeapSize}, {@code -XX:MaxRAM*}), the program starts itself
 * again once with these settings, passes its arguments, standard streams and exit code through,
 * and forwards termination so the child shuts down gracefully. {@code PIXMILL_JVM_DEFAULTS=false}
 * turns this off; any explicit heap setting is always left alone.
 */
final class JvmDefaults {

    static final List<String> FLAGS = List.of("-Xmx192m", "-Xms64m", "-XX:MinHeapFreeRatio=15",
            "-XX:MaxHeapFreeRatio=40", "-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders");
    /** Set in the child, so it never restarts itself again. */
    static final String MARKER = "PIXMILL_JVM_DEFAULTS_APPLIED";
    static final String SWITCH = "PIXMILL_JVM_DEFAULTS";
    /** The AOT cache {@code bin/run} records beside the jar; used when present. */
    static final String AOT_CACHE = "pixmill.aot";
    /** How long a signalled launcher waits for the service; longer than any grace it is given. */
    static final Duration CHILD_STOP = Duration.ofSeconds(60);

    private JvmDefaults() {
    }

    static OptionalInt relaunchIfUnsized(String[] args) {
        Map<String, String> env = System.getenv();
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        Optional<List<String>> cmd = command(env, jvmArgs, System.getProperty("java.class.path", ""),
                ProcessHandle.current().info().command().orElse(null), args);
        if (cmd.isEmpty()) {
            return OptionalInt.empty();
        }
        ProcessBuilder pb = new ProcessBuilder(cmd.get()).inheritIO();
        pb.environment().put(MARKER, "1");
        // their options are in this JVM's arguments already, which the child gets
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        return supervise(pb);
    }

    /**
     * Runs the child to its end and answers its exit status. A SIGTERM to this JVM (Kubernetes
     * signals PID 1 only) is passed on, and once the child has ended this JVM ends with the
     * child's status, not the 143 of a JVM ended by a signal.
     */
    static OptionalInt supervise(ProcessBuilder pb) {
        // the hook comes first, so a signal that arrives while the child starts is not missed
        Object lock = new Object();
        Process[] started = new Process[1];
        boolean[] stopping = new boolean[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Process child;
            synchronized (lock) {
                stopping[0] = true;
                child = started[0];
            }
            if (child == null) {
                return;
            }
            if (child.isAlive()) {
                child.destroy(); // SIGTERM: the service finishes or hands back its jobs
                try {
                    child.waitFor(CHILD_STOP.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (!child.isAlive()) {
                Runtime.getRuntime().halt(child.exitValue());
            }
        }, "pixmill-jvm-child"));
        Process child;
        synchronized (lock) {
            if (stopping[0]) {
                return OptionalInt.of(143); // signalled before the service started: nothing to stop
            }
            try {
                child = pb.start();
            } catch (IOException e) {
                System.err.println("pixmill: could not restart with bounded JVM settings (" + e.getMessage()
                        + "); starting with the JVM's defaults");
                return OptionalInt.empty();
            }
            started[0] = child;
        }
        while (true) {
            try {
                return OptionalInt.of(child.waitFor());
            } catch (InterruptedException e) {
                // keep waiting: the shutdown hook ends the child
            }
        }
    }

    /** The command that restarts this JVM with the defaults, or empty when none is needed. */
    static Optional<List<String>> command(Map<String, String> env, List<String> jvmArgs, String classPath,
            String javaCommand, String[] args) {
        if (env.containsKey(MARKER) || "false".equalsIgnoreCase(env.get(SWITCH)) || javaCommand == null
                || sized(jvmArgs) || chosenByHand(jvmArgs)) {
            return Optional.empty();
        }
        // only `java -jar quarkus-run.jar`: a single jar on the class path
        if (classPath.isEmpty() || classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(javaCommand);
        cmd.addAll(jvmArgs);
        cmd.addAll(FLAGS);
        Path aot = Path.of(classPath).toAbsolutePath().resolveSibling(AOT_CACHE);
        if (Files.isRegularFile(aot) && jvmArgs.stream().noneMatch(a -> a.startsWith("-XX:AOTCache"))) {
            cmd.add("-XX:AOTCache=" + aot);
        }
        cmd.add("-jar");
        cmd.add(classPath);
        cmd.addAll(List.of(args));
        return Optional.of(cmd);
    }

    /**
     * Settings that a second JVM would conflict with or repeat: another collector, an agent, a
     * debug or JMX port (already bound by this JVM).
     */
    static boolean chosenByHand(List<String> jvmArgs) {
        return jvmArgs.stream().anyMatch(a -> a.matches("-XX:[+-]Use\\w*GC") || a.startsWith("-javaagent")
                || a.startsWith("-agentlib") || a.startsWith("-agentpath") || a.startsWith("-Xrunjdwp")
                || a.startsWith("-Dcom.sun.management.jmxremote"));
    }

    static boolean sized(List<String> jvmArgs) {
        return jvmArgs.stream().anyMatch(a -> a.startsWith("-Xmx") || a.startsWith("-XX:MaxHeapSize=")
                || a.startsWith("-XX:MaxRAM") || a.startsWith("-XX:MaxRAMPercentage="));
    }
}
