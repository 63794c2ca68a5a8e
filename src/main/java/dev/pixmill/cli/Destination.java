package dev.pixmill.cli;

import dev.pixmill.cli.Inputs.Input;
import dev.pixmill.engine.ImageFormat;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where results go, from {@code -o}: a directory (created if missing; each input's relative path
 * kept), one named file (a single input), standard output ({@code -}, a single input), or, without
 * {@code -o}, beside each input.
 */
record Destination(Kind kind, Path path) {

    enum Kind { DIRECTORY, FILE, STDOUT, BESIDE }

    /**
     * {@code -o} as given: {@code -} is stdout; an existing directory, a path ending in {@code /}
     * or one without an image extension is a directory; otherwise (photo.webp) a file name.
     * Standard input without {@code -o} goes to standard output.
     */
    static Destination of(String output, boolean onlyStdin) {
        if (output == null) {
            return onlyStdin ? new Destination(Kind.STDOUT, null) : new Destination(Kind.BESIDE, null);
        }
        if (output.equals("-")) {
            return new Destination(Kind.STDOUT, null);
        }
        Path p = Path.of(output);
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        boolean imageName = dot > 0 && ImageFormat.fromName(name.substring(dot + 1)).isPresent();
        if (Files.isDirectory(p) || output.endsWith("/") || !imageName) {
            return new Destination(Kind.DIRECTORY, p);
        }
        return new Destination(Kind.FILE, p);
    }

    boolean single() {
        return kind == Kind.FILE || kind == Kind.STDOUT;
    }

    /** The directory an input's result goes to (null for stdout). */
    Path directoryOf(Input in) {
        return switch (kind) {
            case DIRECTORY -> in.relative().getParent() == null ? path : path.resolve(in.relative().getParent());
            case BESIDE -> in.source() == null ? null : parentOf(in.source());
            case FILE -> parentOf(path);
            case STDOUT -> null;
        };
    }

    /** The result's path for an output in {@code format}; null for stdout. */
    Path target(Input in, ImageFormat format) {
        return switch (kind) {
            case FILE -> path;
            case STDOUT -> null;
            default -> directoryOf(in).resolve(in.outputName(format));
        };
    }

    private static Path parentOf(Path file) {
        return file.getParent() == null ? Path.of(".") : file.getParent();
    }
}
