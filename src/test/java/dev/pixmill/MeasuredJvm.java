package dev.pixmill;

import java.util.List;
import java.util.Map;

/** What the deployment tests need of {@link JvmDefaults}: the measured flags and whether a JVM would restart. */
public final class MeasuredJvm {

    private MeasuredJvm() {
    }

    public static List<String> flags() {
        return JvmDefaults.FLAGS;
    }

    /** Whether {@code java <jvmArgs> -jar quarkus-run.jar} with this environment restarts itself. */
    public static boolean relaunches(Map<String, String> env, List<String> jvmArgs) {
        return JvmDefaults.command(env, jvmArgs, "quarkus-run.jar", "/opt/java/openjdk/bin/java", new String[0]).isPresent();
    }
}
