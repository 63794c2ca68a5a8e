package dev.pixmill.storage;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.mutiny.core.Vertx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Objects as files under one directory, the key being the relative path. Each object is written
 * to a temporary file beside its place and renamed over it, so a reader never sees half of one
 * and a crash leaves at most a temporary file (which the orphan scan removes, as it has no row).
 * Blocking file calls run on worker threads, a piece at a time.
 */
public final class FilesystemObjectStore implements ObjectStore {

    /** Keys are ours (see {@link BlobStore}); anything else, or a way out of the directory, is refused. */
    private static final Pattern KEY = Pattern.compile("^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$");
    static final String TEMPORARY = ".tmp-";
    private static final int READ_PIECE = 256 * 1024;
    private static final int IO_SLICE = 256 * 1024;

    private final Path root;
    private final boolean fsync;
    private final Vertx vertx;

    public FilesystemObjectStore(Path root, boolean fsync, Vertx vertx) {
        this.root = root.toAbsolutePath().normalize();
        this.fsync = fsync;
        this.vertx = vertx;
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException("blob directory " + this.root + " cannot be created", e);
        }
        if (!Files.isWritable(this.root)) {
            throw new IllegalStateException("blob directory " + this.root + " is not writable");
        }
    }

    public Path root() {
        return root;
    }

    Path path(String key) {
        if (!KEY.matcher(key).matches() || key.contains("..")) {
            throw new IllegalArgumentException("not an object key: " + key);
        }
        return root.resolve(key);
    }

    @Override
    public Uni<Void> put(String key, Body body) {
        Path target = path(key);
        return switch (body) {
            case Body.Bytes bytes -> blocking(() -> {
                Path temp = temporary(target);
                try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    byte[] data = bytes.data();
                    // in slices: the JDK stages a heap buffer's write through a native buffer of its size
                    for (int at = 0; at < data.length; ) {
                        at += out.write(ByteBuffer.wrap(data, at, Math.min(IO_SLICE, data.length - at)));
                    }
                    finish(out);
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(temp);
                    throw e;
                }
                return publish(temp, target);
            });
            case Body.File file -> blocking(() -> {
                Path temp = temporary(target);
                try (FileChannel in = FileChannel.open(file.path(), StandardOpenOption.READ);
                     FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    long copied = 0;
                    while (copied < file.length()) { // in-kernel copy where the OS can
                        long n = in.transferTo(copied, file.length() - copied, out);
                        if (n <= 0) {
                            throw new IOException(file.path() + " is shorter than " + file.length() + " bytes");
                        }
                        copied += n;
                    }
                    finish(out);
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(temp);
                    throw e;
                }
                return publish(temp, target);
            });
            case Body.Stream stream -> putStream(target, stream);
        };
    }

    private Uni<Void> putStream(Path target, Body.Stream stream) {
        return blocking(() -> temporary(target)).chain(temp -> vertx.fileSystem()
                .open(temp.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
                .chain(file -> {
                    long[] written = { 0 };
                    return stream.pieces()
                            .onItem().transformToUniAndConcatenate(piece -> {
                                written[0] += piece.length();
                                return file.write(io.vertx.mutiny.core.buffer.Buffer.newInstance(piece));
                            })
                            .collect().last()
                            .chain(() -> written[0] != stream.length()
                                    ? Uni.createFrom().failure(new IOException("the body had " + written[0]
                                            + " bytes, not the " + stream.length() + " announced"))
                                    : fsync ? file.flush() : Uni.createFrom().voidItem())
                            .eventually(file::close);
                })
                .chain(() -> blocking(() -> publish(temp, target)))
                .onFailure().call(() -> blocking(() -> Files.deleteIfExists(temp))));
    }

    private Path temporary(Path target) throws IOException {
        Files.createDirectories(target.getParent());
        return target.resolveSibling(TEMPORARY + UUID.randomUUID());
    }

    private void finish(FileChannel out) throws IOException {
        if (fsync) {
            out.force(false);
        }
    }

    private Void publish(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return null;
    }

    @Override
    public Multi<Buffer> read(String key) {
        Path file;
        try {
            file = path(key);
        } catch (IllegalArgumentException e) {
            return Multi.createFrom().failure(e);
        }
        // one positional read per piece on a worker thread, only as the consumer asks for pieces
        return blocking(() -> OpenFile.open(key, file))
                .onItem().transformToMulti(open -> Multi.createFrom().range(0, open.pieces())
                        .onItem().transformToUniAndConcatenate(i -> blocking(() -> open.piece(i)))
                        .onTermination().invoke(() -> Infrastructure.getDefaultWorkerPool().execute(open::close)));
    }

    /**
     * A file being read. Its length is taken when it is opened (objects never change once
     * written; a replaced one is a new file, and the open one keeps its bytes). Closing waits
     * for a read in flight, so a reader that is cancelled never has its channel closed under it.
     */
    private static final class OpenFile {

        private final String key;
        private final FileChannel channel;
        private final long length;
        private boolean closed;

        private OpenFile(String key, FileChannel channel, long length) {
            this.key = key;
            this.channel = channel;
            this.length = length;
        }

        static OpenFile open(String key, Path file) throws IOException {
            FileChannel channel;
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                throw new ObjectMissingException(key, e);
            }
            return new OpenFile(key, channel, channel.size());
        }

        int pieces() {
            return (int) ((length + READ_PIECE - 1) / READ_PIECE);
        }

        synchronized Buffer piece(int index) throws IOException {
            if (closed) {
                throw new IOException("reading " + key + " was given up");
            }
            long position = (long) index * READ_PIECE;
            byte[] bytes = new byte[(int) Math.min(READ_PIECE, length - position)];
            ByteBuffer into = ByteBuffer.wrap(bytes);
            while (into.hasRemaining()) {
                if (channel.read(into, position + into.position()) < 0) {
                    throw new ObjectMissingException(key, "ended after " + (position + into.position()) + " of "
                            + length + " bytes");
                }
            }
            return Buffer.buffer(bytes);
        }

        synchronized void close() {
            closed = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only: nothing is lost
            }
        }
    }

    @Override
    public Uni<byte[]> readAll(String key, long size) {
        if (size > Integer.MAX_VALUE - 16) {
            return Uni.createFrom().failure(new IllegalArgumentException("object " + key + " is too large for one array"));
        }
        return blocking(() -> {
            try (FileChannel in = FileChannel.open(path(key), StandardOpenOption.READ)) {
                long actual = in.size();
                if (actual != size) {
                    throw new ObjectMissingException(key, "holds " + actual + " bytes, not the " + size + " recorded");
                }
                byte[] whole = new byte[(int) size];
                // in slices, as when writing: the native staging buffer stays small
                for (int at = 0; at < whole.length; ) {
                    int n = in.read(ByteBuffer.wrap(whole, at, Math.min(IO_SLICE, whole.length - at)));
                    if (n < 0) {
                        throw new ObjectMissingException(key, "ended after " + at + " of " + size + " bytes");
                    }
                    at += n;
                }
                return whole;
            } catch (NoSuchFileException e) {
                throw new ObjectMissingException(key, e);
            }
        });
    }

    @Override
    public Uni<Long> size(String key) {
        return blocking(() -> {
            try {
                return Files.size(path(key));
            } catch (NoSuchFileException e) {
                return null;
            }
        });
    }

    @Override
    public Uni<Void> delete(String key) {
        return blocking(() -> {
            Files.deleteIfExists(path(key));
            return null;
        });
    }

    @Override
    public Multi<Listed> list(String prefix) {
        // a prefix is a directory here (keys are cut at '/'); list the deepest one it names
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        return Multi.createFrom().<Stream<Path>, Listed>resource(() -> walk(start),
                        paths -> Multi.createFrom().items(paths
                                .map(p -> listed(p, prefix))
                                .filter(l -> l != null)))
                .withFinalizer((java.util.function.Consumer<Stream<Path>>) Stream::close)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static Stream<Path> walk(Path start) {
        try {
            return Files.exists(start) ? Files.walk(start) : Stream.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Listed listed(Path path, String prefix) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return null;
            }
            String key = root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
            return key.startsWith(prefix) ? new Listed(key, attributes.size(), attributes.lastModifiedTime().toInstant()) : null;
        } catch (NoSuchFileException e) {
            return null; // deleted while listing
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Uni<Void> ready() {
        return blocking(() -> {
            if (!Files.isDirectory(root) || !Files.isWritable(root)) {
                throw new IOException(root + " is not a writable directory");
            }
            return null;
        });
    }

    @Override
    public String describe() {
        return "filesystem " + root;
    }

    private static <T> Uni<T> blocking(Callable<T> work) {
        return Uni.createFrom().item(() -> {
            try {
                return work.call();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
