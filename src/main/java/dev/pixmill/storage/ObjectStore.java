package dev.pixmill.storage;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

import java.nio.file.Path;
import java.time.Instant;

/**
 * Where the bytes of blobs live: a flat namespace of keys (e.g. {@code blobs/3f/3f9a...}) over a
 * directory or an S3 bucket. It knows nothing of conversions; {@link BlobStore} keeps what a key
 * belongs to in PostgreSQL. Every operation is asynchronous and never blocks the caller's thread.
 * Writes are atomic: a reader sees the whole object or none.
 */
public interface ObjectStore extends AutoCloseable {

    /** The bytes to store, with their exact length known before the first byte is sent. */
    sealed interface Body {

        long length();

        /** Bytes already in memory; stored without copying them. */
        record Bytes(byte[] data) implements Body {
            @Override
            public long length() {
                return data.length;
            }
        }

        /** A file on local disk (e.g. an upload the HTTP layer spooled), streamed from disk. */
        record File(Path path, long length) implements Body {
        }

        /** Pieces that arrive over time (e.g. a request body), written as they come. */
        record Stream(Multi<Buffer> pieces, long length) implements Body {
        }

        static Body of(byte[] data) {
            return new Bytes(data);
        }
    }

    /** What a listing yields: a key with its size and when it was written. */
    record Listed(String key, long size, Instant lastModified) {
    }

    /** Stores {@code body} under {@code key}, replacing any object there; completes once stored. */
    Uni<Void> put(String key, Body body);

    /**
     * The object's bytes in pieces, read as the subscriber asks for them; fails with
     * {@link ObjectMissingException} when there is no such object.
     */
    Multi<Buffer> read(String key);

    /**
     * The whole object in one array of {@code size} bytes, for consumers that need it so (the
     * engine's input); fails with {@link ObjectMissingException} when it is missing or has
     * another size than expected (a torn or foreign object is as good as missing).
     */
    default Uni<byte[]> readAll(String key, long size) {
        if (size > Integer.MAX_VALUE - 16) {
            return Uni.createFrom().failure(new IllegalArgumentException("object " + key + " is too large for one array"));
        }
        return Uni.createFrom().deferred(() -> {
            byte[] whole = new byte[(int) size];
            int[] filled = { 0 };
            return read(key).onItem().invoke(piece -> {
                if (filled[0] + piece.length() > whole.length) {
                    throw new ObjectMissingException(key, "holds more than the " + size + " bytes recorded");
                }
                piece.getBytes(0, piece.length(), whole, filled[0]);
                filled[0] += piece.length();
            }).collect().last().map(last -> {
                if (filled[0] != whole.length) {
                    throw new ObjectMissingException(key, "holds " + filled[0] + " of the " + size + " bytes recorded");
                }
                return whole;
            });
        });
    }

    /** The object's size, or null when there is no such object. */
    Uni<Long> size(String key);

    /** Deletes the object; a key with no object is not an error (deletion may be retried). */
    Uni<Void> delete(String key);

    /** Every object whose key starts with {@code prefix}, in no particular order, read as asked for. */
    Multi<Listed> list(String prefix);

    /** Completes when the store can be used now (its directory is writable, its bucket answers); fails otherwise. */
    Uni<Void> ready();

    /** Names the backend and where it stores, for logs. */
    String describe();

    @Override
    default void close() {
    }
}
