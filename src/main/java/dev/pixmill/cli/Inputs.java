package dev.pixmill.cli;

import dev.pixmill.engine.ImageFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The command line's inputs as files to convert: plain files, directories (their image files;
 * with {@code -r} every level below), globs the shell left unexpanded ({@code 'photos/**}{@code /*.jpg'}),
 * and {@code -} for standard input. Each keeps its path relative to the directory or glob base it
 * was found under, so results keep the tree. Order is the arguments', then by path.
 */
final class Inputs {

    /**
     * One file to convert.
     *
     * @param source the file, or null for standard input
     * @param relative where its result goes under an output directory (its extension replaced)
     * @param problem why it cannot be read at all (no such file), else null
     * @param keepExtension its result's name keeps the input's extension ({@code a.png.webp}),
     *        because another input would otherwise give the same name
     */
    record Input(Path source, Path relative, String problem, boolean keepExtension) {

        String display() {
            return source == null ? "-" : source.toString();
        }

        boolean stdin() {
            return source == null;
        }

        Input keepingExtension() {
            return new Input(source, relative, problem, true);
        }

        /** The result's file name for an output in {@code format}. */
        String outputName(ImageFormat format) {
            String name = relative.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String stem = dot > 0 ? name.substring(0, dot) : name;
            String ext = dot > 0 ? name.substring(dot + 1) : "";
            // photo.jpeg compressed stays photo.jpeg, not photo.jpg
            String outExt = ImageFormat.fromName(ext).filter(f -> f == format).isPresent() ? ext : format.extension();
            return (keepExtension && dot > 0 ? name : stem) + "." + outExt;
        }
    }

    private Inputs() {
    }

    /**
     * @param skip a directory never walked into (the output directory, when it lies inside an input)
     */
    static List<Input> resolve(List<String> args, boolean recursive, Path skip) {
        List<Input> found = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("-")) {
                found.add(new Input(null, Path.of("stdin"), null, false));
                continue;
            }
            Path path = Path.of(arg);
            if (Files.isDirectory(path)) {
                walk(path, recursive ? Integer.MAX_VALUE : 1, skip, p -> true, true).forEach(p ->
                        found.add(new Input(p, path.relativize(p), null, false)));
            } else if (Files.exists(path) || !isGlob(arg)) {
                found.add(new Input(path, path.getFileName(), Files.exists(path) ? null : "no such file", false));
            } else {
                found.addAll(glob(arg, skip));
            }
        }
        return dedupe(found);
    }

    static boolean isGlob(String arg) {
        return arg.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    /** The files under the glob's fixed leading directories that match the rest of it. */
    private static List<Input> glob(String arg, Path skip) {
        String[] parts = arg.split("/", -1);
        int first = 0;
        while (first < parts.length && !isGlob(parts[first])) {
            first++;
        }
        String baseText = String.join("/", java.util.Arrays.copyOfRange(parts, 0, first));
        Path base = baseText.isEmpty() ? Path.of(arg.startsWith("/") ? "/" : ".") : Path.of(baseText);
        String pattern = String.join("/", java.util.Arrays.copyOfRange(parts, first, parts.length));
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        int depth = pattern.contains("**") ? Integer.MAX_VALUE : parts.length - first;
        List<Input> matched = new ArrayList<>();
        if (Files.isDirectory(base)) {
            walk(base, depth, skip, p -> matcher.matches(base.relativize(p)), false)
                    .forEach(p -> matched.add(new Input(p, base.relativize(p), null, false)));
        }
        if (matched.isEmpty()) {
            matched.add(new Input(Path.of(arg), Path.of(parts[parts.length - 1]), "no file matches", false));
        }
        return matched;
    }

    /**
     * Regular files below {@code dir}, hidden ones (and our own {@code .part} files) left out; with
     * {@code imagesOnly}, only those whose extension names a format Pixmill reads.
     */
    private static List<Path> walk(Path dir, int depth, Path skip, java.util.function.Predicate<Path> match,
            boolean imagesOnly) {
        Path skipped = skip == null ? null : skip.toAbsolutePath().normalize();
        try (Stream<Path> files = Files.walk(dir, depth)) {
            return files.filter(p -> !p.equals(dir))
                    .filter(p -> !hidden(dir.relativize(p)))
                    .filter(p -> skipped == null || !p.toAbsolutePath().normalize().startsWith(skipped))
                    .filter(Files::isRegularFile)
                    .filter(p -> !imagesOnly || imageExtension(p))
                    .filter(match)
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean imageExtension(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && ImageFormat.fromName(name.substring(dot + 1).toLowerCase(Locale.ROOT))
                .filter(ImageFormat::readable).isPresent();
    }

    /** The same file named twice (a file and its directory, two globs) is converted once. */
    private static List<Input> dedupe(List<Input> inputs) {
        Set<Path> seen = new LinkedHashSet<>();
        List<Input> unique = new ArrayList<>();
        for (Input in : inputs) {
            if (in.source() == null || in.problem() != null || seen.add(in.source().toAbsolutePath().normalize())) {
                unique.add(in);
            }
        }
        return unique;
    }

    /**
     * Marks inputs whose results would get the same name in the same directory (a.jpg and a.png
     * both to a.webp): those keep their own extension in the name, so none overwrites another.
     *
     * @param predicted the output format expected for an input (empty: not known before sniffing)
     * @param directory the directory an input's result goes to
     */
    static List<Input> separateCollisions(List<Input> inputs, Function<Input, Optional<ImageFormat>> predicted,
            Function<Input, Path> directory) {
        Map<Path, Integer> names = new HashMap<>();
        List<Path> keys = new ArrayList<>();
        for (Input in : inputs) {
            Path target = in.problem() != null ? null : directory.apply(in); // null: standard output
            Path key = target == null ? null
                    : predicted.apply(in).map(f -> target.resolve(in.outputName(f)).normalize()).orElse(null);
            keys.add(key);
            if (key != null) {
                names.merge(key, 1, Integer::sum);
            }
        }
        List<Input> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Path key = keys.get(i);
            out.add(key != null && names.get(key) > 1 ? inputs.get(i).keepingExtension() : inputs.get(i));
        }
        return out;
    }

    /** The format a file's extension names, as a guess before its bytes are read. */
    static Optional<ImageFormat> byExtension(Input in) {
        String name = in.relative().getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? ImageFormat.fromName(name.substring(dot + 1)) : Optional.empty();
    }
}
