package dev.pixmill;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.OptionalInt;

/**
 * Entry point of {@code java -jar quarkus-run.jar}. A JVM started without a heap size is
 * restarted once with Pixmill's measured defaults ({@link JvmDefaults}), so a plain
 * {@code java -jar} is as bounded as {@code bin/run}; then Quarkus starts as usual.
 */
@QuarkusMain
public final class PixmillMain {

    private PixmillMain() {
    }

    public static void main(String... args) {
        OptionalInt exit = JvmDefaults.relaunchIfUnsized(args);
        if (exit.isPresent()) {
            System.exit(exit.getAsInt());
        }
        Quarkus.run(args);
    }
}
