package dev.pixmill.engine;

import dev.pixmill.error.InvalidImageException;
import dev.pixmill.error.PayloadTooLargeException;
import dev.pixmill.error.ProcessingException;
import dev.pixmill.error.ServiceBusyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Rasterises SVG and PDF in a child {@code vips} process, never inside the service (the service
 * only reads their header: the declared size, for the limits). librsvg and
 * poppler cannot be interrupted once they render (a few hundred bytes of SVG filter can run for
 * minutes and take gigabytes), so the render runs where the kernel can bound it: address-space
 * data, CPU seconds and output file size by {@code prlimit}, wall time by this class, which kills
 * the process at the deadline and frees the worker at once. Exactly the named loader runs
 * ({@code vips svgload} / {@code vips pdfload}), at the scale the caller computed, and writes a
 * PNG that the pipeline then reads with the trusted PNG loader.
 */
public final class VectorRenderer {

    private static final Logger LOG = Logger.getLogger(VectorRenderer.class);
    private static final int STDERR_EXCERPT = 2048;

    /**
     * @param command the libvips command-line tool ({@code vips}, Debian package libvips-tools)
     * @param timeout longest a render may take (the conversion's own deadline applies too)
     * @param maxMemory data (heap) bytes the renderer may allocate
     * @param maxOutputBytes largest PNG the renderer may write
     */
    public record Settings(String command, Duration timeout, long maxMemory, long maxOutputBytes) {
        public static Settings defaults() {
            return new Settings("vips", Duration.ofSeconds(20), 160L << 20, 512L << 20);
        }
    }

    private final Settings settings;
    private Path workDir;

    public VectorRenderer(Settings settings) {
        this.settings = settings;
    }

    /** A private directory (mode 700, made by this process) under the temp directory. */
    private synchronized Path workDir() throws IOException {
        if (workDir == null || !Files.isDirectory(workDir)) {
            workDir = Files.createTempDirectory("pixmill-render-");
            workDir.toFile().deleteOnExit();
        }
        return workDir;
    }

    public Settings settings() {
        return settings;
    }

    private volatile Boolean available;

    /** Whether the renderer runs here (checked once, by {@code prlimit -- vips --version}). */
    public boolean available() {
        Boolean a = available;
        if (a == null) {
            try {
                Process p = new ProcessBuilder("prlimit", "--core=0", "--", settings.command(), "--version")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                a = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
                p.destroyForcibly();
            } catch (IOException e) {
                a = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            available = a;
        }
        return a;
    }

    /**
     * Renders page one of {@code document} at {@code scale} into a PNG file in a new directory;
     * the caller reads it and deletes the directory ({@link #discard(Path)}).
     *
     * @param deadlineNanos {@link System#nanoTime()} value at which the conversion must end
     */
    public Path render(byte[] document, ImageFormat format, double scale, long deadlineNanos) {
        String loader = switch (format) {
            case SVG -> "svgload";
            case PDF -> "pdfload";
            default -> throw new IllegalArgumentException(format + " is not a vector format");
        };
        String what = format.extension().toUpperCase(Locale.ROOT);
        if (remaining(deadlineNanos) <= 0) {
            throw timeout(what); // before any file is written
        }
        Path dir;
        try {
            dir = Files.createTempDirectory(workDir(), "render-");
        } catch (IOException e) {
            throw new ProcessingException("processing_failed", "no space to render the " + what, e);
        }
        boolean done = false;
        try {
            Path in = dir.resolve("in." + format.extension());
            Path out = dir.resolve("out.png");
            Files.write(in, document);
            // soft CPU limit: SIGXCPU; the hard one a second later: SIGKILL (the wall clock acts first)
            long cpuSeconds = Math.max(1, settings.timeout().toSeconds() + 1);
            List<String> cmd = new ArrayList<>(List.of("prlimit", "--data=" + settings.maxMemory(),
                    "--cpu=" + cpuSeconds + ":" + (cpuSeconds + 1), "--fsize=" + settings.maxOutputBytes(),
                    "--core=0", "--nofile=256",
                    "--", settings.command(), loader, in.toString(), out + "[compression=1]",
                    "--scale=" + String.format(Locale.ROOT, "%.9f", scale)));
            if (format == ImageFormat.PDF) {
                cmd.add("--page=0");
                cmd.add("--n=1");
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(dir.resolve("stderr").toFile());
            Map<String, String> env = pb.environment();
            String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
            String home = env.getOrDefault("HOME", dir.toString());
            env.clear();
            env.put("PATH", path);
            env.put("HOME", home);
            env.put("LANG", "C.UTF-8");
            env.put("VIPS_CONCURRENCY", "1");
            env.put("MALLOC_ARENA_MAX", "1");

            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new ProcessingException("renderer_unavailable", what + " rendering needs the '"
                        + settings.command() + "' and 'prlimit' commands (Debian: libvips-tools, util-linux)", e);
            }
            boolean finished;
            try {
                finished = p.waitFor(remaining(deadlineNanos), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                reap(p);
                Thread.currentThread().interrupt();
                throw new ServiceBusyException("the " + what + " render was interrupted (the service is stopping)", 2);
            }
            if (!finished) {
                p.destroyForcibly();
                reap(p);
                throw timeout(what);
            }
            int exit = p.exitValue();
            if (exit != 0 || !Files.isRegularFile(out)) {
                throw failure(what, exit, excerpt(dir.resolve("stderr")));
            }
            done = true;
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!done) {
                discard(dir);
            }
        }
    }

    /** Time the render may still take: the render timeout, never past the conversion's deadline. */
    private long remaining(long deadlineNanos) {
        return Math.min(deadlineNanos - System.nanoTime(), settings.timeout().toNanos());
    }

    /** Deletes a directory made by {@link #render}. */
    public static void discard(Path fileOrDir) {
        Path dir = Files.isDirectory(fileOrDir) ? fileOrDir : fileOrDir.getParent();
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.debugf("could not remove %s: %s", dir, e.getMessage());
        }
    }

    private static void reap(Process p) {
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private InvalidImageException timeout(String what) {
        return new InvalidImageException("timeout", "rendering the " + what + " took longer than the limit of "
                + settings.timeout().toSeconds() + " s");
    }

    private RuntimeException failure(String what, int exit, String stderr) {
        String lower = stderr.toLowerCase(Locale.ROOT);
        // 126/127: the command is missing or not executable; prlimit itself failing says so
        if (exit == 126 || exit == 127 || lower.startsWith("prlimit:")) {
            LOG.errorf("%s renderer cannot run (exit %d): %s", what, exit, stderr);
            return new ProcessingException("renderer_unavailable", what + " rendering is not available on this "
                    + "server (the '" + settings.command() + "' and 'prlimit' commands must run)");
        }
        // prlimit's limits surface as failed allocations, SIGABRT (g_malloc aborts), SIGXCPU or SIGKILL
        if (exit == 128 + 24 || exit == 128 + 9) {
            return timeout(what);
        }
        if (exit == 128 + 6 || lower.contains("nomemory") || lower.contains("out of memory")
                || lower.contains("failed to allocate") || lower.contains("cannot allocate")) {
            return new PayloadTooLargeException("image_too_large", "rendering the " + what + " needs more than the "
                    + (settings.maxMemory() >> 20) + " MB of memory a render may use");
        }
        if (exit == 128 + 25 || lower.contains("file too large")) {
            return new PayloadTooLargeException("image_too_large", "the rendered " + what + " is larger than the "
                    + (settings.maxOutputBytes() >> 20) + " MB a render may write");
        }
        LOG.debugf("%s render failed (exit %d): %s", what, exit, stderr);
        return new InvalidImageException("invalid_image", "the " + what + " cannot be rendered");
    }

    private static String excerpt(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(STDERR_EXCERPT), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
