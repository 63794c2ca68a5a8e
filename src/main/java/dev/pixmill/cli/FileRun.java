package dev.pixmill.cli;

import dev.pixmill.cli.Inputs.Input;
import dev.pixmill.cli.RunReport.FileReport;
import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageInfo;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.engine.vips.Vips;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.error.PixmillException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Converts the inputs on {@code jobs} threads, each reading one file at a time, so the heap holds
 * at most one input and its result per thread, and no more input bytes at once than a quarter
 * of the heap (a larger file waits to run alone); the engine's native memory stays within its
 * budget ({@code pixmill.engine.memory-budget}: an image too large for it fails, it is not an
 * out-of-memory). A result is written to a temporary file beside its target and moved into place,
 * so a failure, or Ctrl-C, never leaves a partial file; a bad input is reported and the run goes on.
 */
final class FileRun {

    /** How one input becomes one conversion: the command's dialect mapping, once the input is probed. */
    interface Planner {
        ConversionSpec spec(byte[] input, ImageInfo info);
    }

    private final ImageEngine engine;
    private final ImageLimits limits;
    private final Planner planner;
    private final Destination destination;
    private final boolean overwrite;
    private final Set<Path> inputPaths = new HashSet<>();
    private final Set<Path> claimed = ConcurrentHashMap.newKeySet();
    private final Set<Path> partial = ConcurrentHashMap.newKeySet();
    private final Semaphore heapKib;
    private final int heapBudgetKib;
    private final InputStream stdin;
    private final OutputStream stdout;
    private final UnaryOperator<String> optionNames;

    /** @param optionNames the dialect's field names in a refusal, as the command's options */
    FileRun(ImageEngine engine, ImageLimits limits, Planner planner, Destination destination, boolean overwrite,
            InputStream stdin, OutputStream stdout, UnaryOperator<String> optionNames) {
        this.optionNames = optionNames;
        this.engine = engine;
        this.limits = limits;
        this.planner = planner;
        this.destination = destination;
        this.overwrite = overwrite;
        this.stdin = stdin;
        this.stdout = stdout;
        this.heapBudgetKib = (int) Math.max(1024, Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 4 >> 10));
        this.heapKib = new Semaphore(heapBudgetKib, true);
    }

    List<FileReport> run(List<Input> inputs, int jobs, Progress progress) {
        for (Input in : inputs) {
            if (in.source() != null && in.problem() == null) {
                inputPaths.add(key(in.source()));
            }
        }
        progress.start(inputs.size());
        Thread cleanup = new Thread(this::removePartial, "pixmill-cli-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        ExecutorService pool = pool(Math.max(1, Math.min(jobs, inputs.size())));
        try {
            List<Future<FileReport>> results = new ArrayList<>();
            for (Input in : inputs) {
                results.add(pool.submit(() -> {
                    FileReport report = one(in);
                    progress.finished(report);
                    return report;
                }));
            }
            List<FileReport> reports = new ArrayList<>();
            for (Future<FileReport> f : results) {
                reports.add(f.get());
            }
            return reports;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
            removePartial();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private FileReport one(Input in) {
        String name = in.display();
        if (in.problem() != null) {
            return FileReport.failed(name, null, "not_found", in.problem());
        }
        Long size = null;
        int permits = 0;
        try {
            if (in.source() != null) {
                size = Files.size(in.source());
                if (size > limits.maxBytes()) {
                    return FileReport.failed(name, size, "file_too_large", String.format(Locale.ROOT,
                            "the file is %.1f MB; the limit is %.1f MB (pixmill.engine.limits.max-bytes)",
                            size / 1048576.0, limits.maxBytes() / 1048576.0));
                }
                permits = (int) Math.min(heapBudgetKib, Math.max(1, (size + 1023) >> 10));
                heapKib.acquire(permits);
            }
            byte[] bytes = in.source() == null ? readStdin() : Files.readAllBytes(in.source());
            size = (long) bytes.length;
            if (bytes.length == 0) {
                return FileReport.failed(name, size, "empty_file", "the file is empty");
            }
            ImageInfo info = engine.probe(bytes, limits);
            ConversionSpec spec = planner.spec(bytes, info);
            EngineResult result = engine.convert(bytes, spec);
            String written = write(in, result);
            return new FileReport(name, written, result.format().extension(), result.width(), result.height(), size,
                    (long) result.bytes().length, null);
        } catch (BadRequestException e) { // an option this input cannot take (target_kb for a kept png)
            return FileReport.failed(name, size, e.code(), optionNames.apply(e.getMessage()));
        } catch (PixmillException e) {
            return FileReport.failed(name, size, e.code(), e.getMessage());
        } catch (IOException e) {
            return FileReport.failed(name, size, "io_error", e.toString());
        } catch (OutOfMemoryError e) {
            return FileReport.failed(name, size, "out_of_memory", "the file needs more heap than this run has "
                    + "(-Xmx, or fewer --jobs)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FileReport.failed(name, size, "interrupted", "the run was interrupted");
        } catch (RuntimeException e) {
            return FileReport.failed(name, size, "failed", e.toString());
        } finally {
            if (permits > 0) {
                heapKib.release(permits);
            }
        }
    }

    private byte[] readStdin() throws IOException {
        byte[] bytes = stdin.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxBytes() + 1));
        if (bytes.length > limits.maxBytes()) {
            throw new dev.pixmill.error.PayloadTooLargeException("file_too_large", String.format(Locale.ROOT,
                    "standard input is over the limit of %.1f MB (pixmill.engine.limits.max-bytes)",
                    limits.maxBytes() / 1048576.0));
        }
        return bytes;
    }

    /** Writes the result where it belongs; the path written as the report shows it. */
    private String write(Input in, EngineResult result) throws IOException {
        Path target = destination.target(in, result.format());
        if (target == null) {
            synchronized (stdout) {
                stdout.write(result.bytes());
                stdout.flush();
            }
            return "-";
        }
        Path key = key(target);
        if (inputPaths.contains(key) && !overwrite) {
            throw new dev.pixmill.error.ConflictException("would_overwrite_input", "the result " + target
                    + " would replace an input; give -o DIR, or --overwrite to replace it");
        }
        if (!claimed.add(key)) {
            throw new dev.pixmill.error.ConflictException("output_collision", "another input's result is " + target
                    + " already; rename one of them or convert them apart");
        }
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current()
                .nextLong()) + ".part");
        partial.add(tmp);
        try {
            // not createTempFile: its 0600 would stay on the result; this gets the umask's usual mode
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                out.write(result.bytes());
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (FileAlreadyExistsException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
            partial.remove(tmp);
        }
        return target.toString();
    }

    private void removePartial() {
        for (Path p : partial) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // best effort on the way out
            }
        }
    }

    private static Path key(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** Engine threads: each frees libvips' per-thread buffers when it ends. */
    private static ExecutorService pool(int n) {
        AtomicInteger seq = new AtomicInteger();
        return new ThreadPoolExecutor(n, n, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(() -> {
                try {
                    r.run();
                } finally {
                    Vips.threadShutdown();
                }
            }, "pixmill-cli-" + seq.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
