package dev.pixmill.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository, from the build's working directory (the project root). */
final class Repo {

    static final Path ROOT = root();

    /** The peak RSS measured under load with the image's heap (README, Benchmarks: batches). */
    static final long MEASURED_PEAK_RSS_MB = 571;

    private Repo() {
    }

    static Path file(String relative) {
        Path p = ROOT.resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("missing " + p);
        }
        return p;
    }

    /** A property of application.properties in the prod profile ({@code %prod.} first, then unprofiled). */
    static String prodProperty(String name) {
        java.util.Properties props = new java.util.Properties();
        try (var in = Files.newBufferedReader(file("src/main/resources/application.properties"))) {
            props.load(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String value = props.getProperty("%prod." + name, props.getProperty(name));
        if (value == null) {
            throw new IllegalStateException(name + " is not in application.properties");
        }
        return value;
    }

    private static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("pom.xml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no pom.xml above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
