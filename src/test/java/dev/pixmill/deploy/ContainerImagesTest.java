package dev.pixmill.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pixmill.MeasuredJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfiles, read instruction by instruction: what the image installs, who it runs as, how
 * java is started (signals reach it, no restart with other settings, the AOT cache it can use).
 * No container is built here (CI has no Docker daemon); these are the facts the image's working
 * depends on.
 */
class ContainerImagesTest {

    @Test
    void theJvmImageInstallsLibvipsItsToolsAndTurboJpeg() {
        List<ContainerImages.Stage> stages = ContainerImages.jvm();
        ContainerImages.Stage runtime = stages.get(0);
        assertThat(runtime.name()).isEqualTo("runtime");
        assertThat(runtime.from()).isEqualTo("eclipse-temurin:25-jre-noble");
        String install = String.join(" ", runtime.all("RUN"));
        // Ubuntu noble's names (Debian: libvips42, libturbojpeg0)
        assertThat(install.split("\\s+")).contains("libvips42t64", "libvips-tools", "libturbojpeg", "--no-install-recommends");
        assertThat(install).contains("useradd --system --uid " + ContainerImages.jvmImageUser());
    }

    @Test
    void theJvmImageRunsJavaAsPid1AsItsUserWithoutRestarting() {
        List<ContainerImages.Stage> stages = ContainerImages.jvm();
        ContainerImages.Stage last = stages.get(stages.size() - 1);
        assertThat(last.from()).isEqualTo("runtime");
        assertThat(ContainerImages.jvmImageUser()).isPositive();
        JsonNode entrypoint = Yaml.tree(last.last("ENTRYPOINT"));
        assertThat(entrypoint.isArray()).as("exec form").isTrue();
        assertThat(entrypoint.get(0).asText()).isEqualTo("sh");
        assertThat(entrypoint.get(1).asText()).isEqualTo("-c");
        // exec: the shell is replaced, so SIGTERM reaches the JVM and it shuts down gracefully
        assertThat(entrypoint.get(2).asText()).startsWith("exec java $JAVA_OPTS ").endsWith("-jar quarkus-run.jar");
        assertThat(last.last("EXPOSE")).isEqualTo("8080");

        List<String> opts = ContainerImages.javaOpts();
        assertThat(MeasuredJvm.relaunches(Map.of(), opts)).as("JAVA_OPTS sizes the heap").isFalse();
        assertThat(MeasuredJvm.relaunches(Map.of(), List.of())).as("the check can fail").isTrue();
        assertThat(opts).contains("-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders");
        // the jar's manifest grants native access; the flag here would make the trained cache unusable
        assertThat(opts).noneMatch(o -> o.startsWith("--enable-native-access"));
        assertThat(ContainerImages.env(stages.get(0), "MALLOC_ARENA_MAX")).isEqualTo("2");
    }

    @Test
    void theAotCacheIsTrainedOnTheRuntimeStageAndCopiedIntoTheImage() throws Exception {
        List<ContainerImages.Stage> stages = ContainerImages.jvm();
        ContainerImages.Stage train = stages.stream().filter(s -> s.name().equals("train")).findFirst().orElseThrow();
        // the same JVM, flags and jars as the image, or the cache would be refused
        assertThat(train.from()).isEqualTo("runtime");
        assertThat(train.all("ENV")).isEmpty();
        assertThat(String.join(" ", train.all("RUN"))).contains("postgresql", "curl", "aot-train.sh");
        assertThat(train.all("COPY")).anyMatch(c -> c.startsWith("src/main/docker/aot-train.sh "));
        ContainerImages.Stage last = stages.get(stages.size() - 1);
        assertThat(last.all("COPY")).anyMatch(c -> c.matches("--from=train .*/deployments/app.aot app.aot"));
        assertThat(last.last("ENTRYPOINT")).contains("-XX:AOTCache=app.aot");

        String script = Files.readString(Repo.file("src/main/docker/aot-train.sh"));
        assertThat(script).contains("${JAVA_OPTS:-} -XX:AOTCacheOutput=app.aot -jar quarkus-run.jar", "kill -TERM");
        Process sh = new ProcessBuilder("sh", "-n", Repo.file("src/main/docker/aot-train.sh").toString()).start();
        String err = new String(sh.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sh.exitValue()).as(err).isZero();
    }

    @Test
    void theNativeImageRunsUnprivilegedWithABoundedHeap() {
        List<ContainerImages.Stage> stages = ContainerImages.stages(Repo.file("src/main/docker/Dockerfile.native"));
        ContainerImages.Stage s = stages.get(stages.size() - 1);
        assertThat(String.join(" ", s.all("RUN")).split("\\s+")).contains("libvips42", "libvips-tools", "libturbojpeg0");
        long user = Long.parseLong(s.last("USER"));
        assertThat(user).isPositive();
        assertThat(String.join(" ", s.all("RUN"))).contains("--uid " + user);
        JsonNode entrypoint = Yaml.tree(s.last("ENTRYPOINT"));
        assertThat(entrypoint.isArray()).isTrue();
        assertThat(entrypoint.get(0).asText()).isEqualTo("./application");
        assertThat(entrypoint.toString()).contains("-Xmx" + ContainerImages.measuredHeapBytes() / (1 << 20) + "m");
    }
}
