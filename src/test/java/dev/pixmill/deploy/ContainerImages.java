package dev.pixmill.deploy;

import dev.pixmill.MeasuredJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Dockerfiles as their instructions, stage by stage, and the figures the manifests depend on. */
final class ContainerImages {

    record Instruction(String keyword, String args) {
    }

    record Stage(String from, String name, List<Instruction> instructions) {
        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
        }

        String last(String keyword) {
            List<String> a = all(keyword);
            if (a.isEmpty()) {
                throw new IllegalStateException("no " + keyword + " in stage " + name);
            }
            return a.get(a.size() - 1);
        }
    }

    private ContainerImages() {
    }

    /** Stages in order; comments dropped, continuation lines joined. */
    static List<Stage> stages(Path dockerfile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dockerfile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> joined = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String t = line.strip();
            if (t.startsWith("#") || (t.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (t.endsWith("\\")) {
                current.append(t, 0, t.length() - 1).append(' ');
            } else {
                current.append(t);
                joined.add(current.toString().strip());
                current.setLength(0);
            }
        }
        List<Stage> stages = new ArrayList<>();
        for (String l : joined) {
            if (l.isEmpty()) {
                continue;
            }
            String[] kw = l.split("\\s+", 2);
            String keyword = kw[0].toUpperCase();
            String args = kw.length > 1 ? kw[1] : "";
            if (keyword.equals("FROM")) {
                String[] f = args.split("\\s+");
                stages.add(new Stage(f[0], f.length >= 3 && f[1].equalsIgnoreCase("AS") ? f[2] : "stage" + stages.size(), new ArrayList<>()));
            } else {
                if (stages.isEmpty()) {
                    throw new IllegalArgumentException(dockerfile + ": " + keyword + " before FROM");
                }
                stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, args));
            }
        }
        return stages;
    }

    static List<Stage> jvm() {
        return stages(Repo.file("src/main/docker/Dockerfile.jvm"));
    }

    /** The value of an ENV key, from {@code KEY=value} or {@code KEY="a b"} pairs. */
    static String env(Stage stage, String key) {
        String value = null;
        for (String args : stage.all("ENV")) {
            Matcher m = Pattern.compile("(?:^|\\s)" + Pattern.quote(key) + "=(\"([^\"]*)\"|(\\S*))").matcher(args);
            if (m.find()) {
                value = m.group(2) != null ? m.group(2) : m.group(3);
            }
        }
        return value;
    }

    static List<String> javaOpts() {
        String opts = env(jvm().get(0), "JAVA_OPTS");
        if (opts == null) {
            throw new IllegalStateException("Dockerfile.jvm sets no JAVA_OPTS");
        }
        return List.of(opts.trim().split("\\s+"));
    }

    static int maxRamPercentage() {
        return javaOpts().stream().filter(o -> o.startsWith("-XX:MaxRAMPercentage=")).map(o -> o.substring(21))
                .mapToInt(s -> (int) Double.parseDouble(s)).findFirst().orElseThrow();
    }

    /** The maximum heap the memory figures were measured with (bin/run and JvmDefaults: -Xmx192m). */
    static long measuredHeapBytes() {
        String xmx = MeasuredJvm.flags().stream().filter(f -> f.startsWith("-Xmx")).findFirst().orElseThrow();
        Matcher m = Pattern.compile("-Xmx(\\d+)([mMgG])").matcher(xmx);
        if (!m.matches()) {
            throw new IllegalStateException(xmx);
        }
        return Long.parseLong(m.group(1)) * (m.group(2).equalsIgnoreCase("g") ? 1L << 30 : 1L << 20);
    }

    /** The numeric user the JVM image runs as. */
    static long jvmImageUser() {
        List<Stage> s = jvm();
        return Long.parseLong(s.get(s.size() - 1).last("USER").split(":")[0]);
    }
}
