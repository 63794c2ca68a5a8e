package dev.pixmill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmDefaultsTest {

    private static final String JAVA = "/usr/lib/jvm/jdk-25/bin/java";

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Test
    void aPlainJavaJarIsRestartedWithTheMeasuredSettingsKeepingItsOwnFlagsAndArguments() {
        String jar = dir.resolve("quarkus-run.jar").toString();
        var cmd = JvmDefaults.command(Map.of(), List.of("-Dquarkus.http.port=9000"), jar, JAVA, new String[] {"serve"});
        assertThat(cmd).hasValueSatisfying(c -> assertThat(c).containsExactly(JAVA, "-Dquarkus.http.port=9000",
                "-Xmx192m", "-Xms64m", "-XX:MinHeapFreeRatio=15", "-XX:MaxHeapFreeRatio=40", "-XX:+UseSerialGC",
                "-XX:+UseCompactObjectHeaders", "-jar", jar, "serve"));
    }

    @Test
    void theAotCacheBesideTheJarIsUsedWhenThereIsOne() throws Exception {
        java.nio.file.Files.writeString(dir.resolve(JvmDefaults.AOT_CACHE), "cache");
        var cmd = JvmDefaults.command(Map.of(), List.of(), dir.resolve("quarkus-run.jar").toString(), JAVA,
                new String[0]);
        assertThat(cmd).hasValueSatisfying(c -> assertThat(c)
                .contains("-XX:AOTCache=" + dir.resolve(JvmDefaults.AOT_CACHE).toAbsolutePath()));
    }

    /** A launcher as in a container: {@link JvmDefaults#supervise} over a child that exits 7 on SIGTERM. */
    public static final class Launcher {
        public static void main(String[] args) {
            var child = new ProcessBuilder("sh", "-c", "trap 'exit 7' TERM; echo ready; while :; do sleep 0.05; done")
                    .inheritIO();
            System.exit(JvmDefaults.supervise(child).orElse(99));
        }
    }

    @Test
    void aSignalledLauncherPassesSigtermOnAndEndsWithTheServicesExitStatus() throws Exception {
        Process launcher = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Launcher.class.getName())
                .redirectErrorStream(true).start();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(launcher.getInputStream()));
            assertThat(out.readLine()).isEqualTo("ready");
            ProcessHandle service = launcher.toHandle().children().findFirst().orElseThrow();
            launcher.destroy(); // SIGTERM to the launcher only, as Kubernetes signals PID 1
            assertThat(launcher.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(service.isAlive()).isFalse();
            // the service's own status (143 would be the launcher's signal, hiding how the service ended)
            assertThat(launcher.exitValue()).isEqualTo(7);
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    @Test
    void anExplicitHeapSettingIsLeftAlone() {
        for (String flag : List.of("-Xmx1g", "-XX:MaxHeapSize=512m", "-XX:MaxRAMPercentage=25", "-XX:MaxRAM=2g")) {
            assertThat(JvmDefaults.command(Map.of(), List.of(flag), "quarkus-run.jar", JAVA, new String[0]))
                    .as(flag).isEmpty();
        }
    }

    @Test
    void aCollectorAgentOrPortChosenByHandIsLeftAlone() {
        for (String flag : List.of("-XX:+UseZGC", "-XX:+UseG1GC", "-javaagent:/opt/otel.jar",
                "-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-Dcom.sun.management.jmxremote.port=9010")) {
            assertThat(JvmDefaults.command(Map.of(), List.of(flag), "quarkus-run.jar", JAVA, new String[0]))
                    .as(flag).isEmpty();
        }
    }

    @Test
    void neverTwiceAndNotWhenSwitchedOffOrNotAJar() {
        assertThat(JvmDefaults.command(Map.of(JvmDefaults.MARKER, "1"), List.of(), "quarkus-run.jar", JAVA,
                new String[0])).isEmpty();
        assertThat(JvmDefaults.command(Map.of(JvmDefaults.SWITCH, "false"), List.of(), "quarkus-run.jar", JAVA,
                new String[0])).isEmpty();
        assertThat(JvmDefaults.command(Map.of(), List.of(), "target/classes:lib/a.jar", JAVA, new String[0]))
                .isEmpty();
        assertThat(JvmDefaults.command(Map.of(), List.of(), "quarkus-run.jar", null, new String[0])).isEmpty();
    }
}
