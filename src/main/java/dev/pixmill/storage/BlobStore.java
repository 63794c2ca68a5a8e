package dev.pixmill.storage;

import dev.pixmill.error.NotFoundException;
import dev.pixmill.security.Tokens;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.UUID;
import java.util.function.Function;

/**
 * Input and output bytes of conversions: the bytes in the {@link ObjectStore} (shared by all
 * replicas), a row in {@code blobs} saying what they are and under which key. The object is
 * always written before its row, in the caller's transaction, so a committed row never points at
 * nothing that was not deleted behind it; an object whose row never committed is an orphan for
 * {@link BlobSweeper}. Deleting a row queues its object for deletion in the same transaction
 * (migration V9). Rows from before V9 hold their bytes themselves and are read from there.
 */
@ApplicationScoped
public class BlobStore {

    private static final Logger LOG = Logger.getLogger(BlobStore.class);

    public enum Role {
        INPUT, OUTPUT;

        String db() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Blob(String contentType, byte[] data) {
    }

    /** What a blob is, without its bytes; {@code key} is null for a row that holds its bytes (before V9). */
    public record BlobInfo(String contentType, long size, String key) {
    }

    /** Bytes in the store that no row names yet: {@link #record} them, or {@link #discard} them. */
    public record Stored(String key, String contentType, long size) {
    }

    /** Every object of a blob row is under this prefix; a result cache entry names objects of blob rows too. */
    public static final String KEY_PREFIX = "blobs/";

    /** The answer's code when a row's bytes are gone from the store. */
    public static final String MISSING_CODE = "stored_bytes_missing";

    /** Rows from before V9 are streamed from PostgreSQL in pieces of this size. */
    static final int CHUNK_BYTES = 1 << 20;

    @Inject
    Pool pool;

    @Inject
    ObjectStore objects;

    /**
     * A fresh key for a blob of {@code conversionId}: never reused, so a late writer (a replica
     * whose lease was taken) can never overwrite bytes that a committed row names. Sharded by the
     * id's first characters, so that no directory holds every object.
     */
    static String newKey(UUID conversionId, Role role) {
        String id = conversionId.toString();
        return KEY_PREFIX + id.substring(0, 2) + "/" + id + "-" + role.db() + "-" + Tokens.base62(10);
    }

    /** Writes the bytes to the store; nothing names them until {@link #record}. */
    public Uni<Stored> write(UUID conversionId, Role role, String contentType, byte[] data) {
        String key = newKey(conversionId, role);
        return onCallerContext(objects.put(key, ObjectStore.Body.of(data)))
                .replaceWith(new Stored(key, contentType, data.length));
    }

    /** The row for bytes already stored, in the caller's transaction (replacing an earlier one of the role). */
    public Uni<Void> record(SqlClient tx, UUID conversionId, Role role, Stored stored) {
        return tx.preparedQuery("""
                        insert into blobs (conversion_id, role, content_type, store_key, size) values ($1, $2, $3, $4, $5)
                        on conflict (conversion_id, role) do update set content_type = excluded.content_type,
                            store_key = excluded.store_key, size = excluded.size, data = null, created_at = now()""")
                .execute(Tuple.of(conversionId, role.db(), stored.contentType(), stored.key(), stored.size()))
                .replaceWithVoid();
    }

    /**
     * Deletes bytes whose transaction failed. Only if no row names them: a commit whose answer
     * was lost may have happened all the same. If anything fails here, the orphan scan decides later.
     */
    public Uni<Void> discard(Stored stored) {
        return pool.preparedQuery("select 1 from blobs where store_key = $1").execute(Tuple.of(stored.key()))
                .chain(rows -> rows.size() > 0 ? Uni.createFrom().voidItem() : onCallerContext(objects.delete(stored.key())))
                .onFailure().invoke(e -> LOG.warnf("unrecorded object %s not deleted (the orphan scan will): %s",
                        stored.key(), e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** {@link #discard} for each. */
    public Uni<Void> discardAll(java.util.Collection<Stored> stored) {
        return Multi.createFrom().iterable(java.util.List.copyOf(stored))
                .onItem().transformToUniAndConcatenate(this::discard)
                .collect().last().replaceWithVoid();
    }

    /**
     * Writes the bytes, then runs {@code commit} (which records them in its transaction); if that
     * fails, the bytes are discarded and the failure passed on. Writing before the transaction
     * starts keeps a database connection free while the bytes travel.
     */
    public <T> Uni<T> writeThen(UUID conversionId, Role role, String contentType, byte[] data,
            Function<Stored, Uni<T>> commit) {
        return write(conversionId, role, contentType, data)
                .chain(stored -> Uni.createFrom().deferred(() -> commit.apply(stored))
                        .onFailure().call(() -> discard(stored)));
    }

    /**
     * Writes and records in one go, inside the caller's (already open) transaction; answers what
     * was written, for the caller to {@link #discard} should its transaction fail later.
     */
    public Uni<Stored> put(SqlClient tx, UUID conversionId, Role role, String contentType, byte[] data) {
        return write(conversionId, role, contentType, data)
                .call(stored -> record(tx, conversionId, role, stored));
    }

    /** The whole blob (e.g. the engine's input), or null when there is no row. */
    public Uni<Blob> get(UUID conversionId, Role role) {
        return pool.preparedQuery("select content_type, coalesce(size, octet_length(data)) as size, store_key, data from blobs"
                        + " where conversion_id = $1 and role = $2")
                .execute(Tuple.of(conversionId, role.db()))
                .chain(rows -> {
                    Row row = firstOrNull(rows);
                    if (row == null) {
                        return Uni.createFrom().nullItem();
                    }
                    String type = row.getString("content_type");
                    String key = row.getString("store_key");
                    if (key == null) {
                        return Uni.createFrom().item(new Blob(type, row.getBuffer("data").getBytes()));
                    }
                    return onCallerContext(objects.readAll(key, row.getLong("size")))
                            .onFailure(ObjectMissingException.class).transform(e -> missing(conversionId, role, e))
                            .map(bytes -> new Blob(type, bytes));
                });
    }

    public Uni<BlobInfo> info(UUID conversionId, Role role) {
        return pool.preparedQuery("select content_type, coalesce(size, octet_length(data)) as size, store_key from blobs"
                        + " where conversion_id = $1 and role = $2")
                .execute(Tuple.of(conversionId, role.db()))
                .map(rows -> {
                    Row row = firstOrNull(rows);
                    return row == null ? null
                            : new BlobInfo(row.getString("content_type"), row.getLong("size"), row.getString("store_key"));
                });
    }

    /**
     * The bytes of a blob whose {@link #info} the caller has, read as the consumer asks for
     * them. Bytes gone from the store fail the stream at its start with a {@link NotFoundException}
     * ({@link #MISSING_CODE}), before anything is sent.
     */
    public Multi<Buffer> stream(UUID conversionId, Role role, BlobInfo info) {
        if (info.key() == null) {
            return streamFromRow(conversionId, role, info.size());
        }
        return objects.read(info.key())
                .onFailure(ObjectMissingException.class).transform(e -> missing(conversionId, role, e));
    }

    /** As {@link #stream(UUID, Role, BlobInfo)}, looking the row up first. */
    public Multi<Buffer> stream(UUID conversionId, Role role) {
        return info(conversionId, role)
                .onItem().ifNull().failWith(() -> new NotFoundException("not_found", "unknown or expired download"))
                .onItem().transformToMulti(info -> stream(conversionId, role, info));
    }

    /** A row from before V9: pieces of {@link #CHUNK_BYTES}; substring() of an EXTERNAL value reads only their TOAST chunks. */
    private Multi<Buffer> streamFromRow(UUID conversionId, Role role, long size) {
        long pieces = (size + CHUNK_BYTES - 1) / CHUNK_BYTES;
        return Multi.createFrom().range(0, (int) pieces)
                .onItem().transformToUniAndConcatenate(i -> pool
                        .preparedQuery("select substring(data from $3 for $4) as piece from blobs"
                                + " where conversion_id = $1 and role = $2")
                        .execute(Tuple.of(conversionId, role.db(), (int) ((long) i * CHUNK_BYTES + 1), CHUNK_BYTES))
                        .map(rows -> {
                            Row row = firstOrNull(rows);
                            if (row == null || row.getBuffer("piece") == null) {
                                throw new IllegalStateException("blob " + conversionId + " disappeared while streaming");
                            }
                            return row.getBuffer("piece").getDelegate();
                        }));
    }

    /** Deletes the row; its object goes to {@code blob_garbage} in the same transaction (trigger, V9). */
    public Uni<Void> delete(SqlClient tx, UUID conversionId, Role role) {
        return tx.preparedQuery("delete from blobs where conversion_id = $1 and role = $2")
                .execute(Tuple.of(conversionId, role.db()))
                .replaceWithVoid();
    }

    private static NotFoundException missing(UUID conversionId, Role role, Throwable e) {
        LOG.errorf("the %s of conversion %s has a row but no bytes in the store: %s", role.db(), conversionId,
                e.getMessage());
        return new NotFoundException(MISSING_CODE, "the stored " + role.db() + " of this conversion is missing", e);
    }

    private static Row firstOrNull(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? it.next() : null;
    }

    /**
     * Store calls complete on their own threads; the caller continues on its Vert.x context (if
     * it had one), where its database session and request live.
     */
    static <T> Uni<T> onCallerContext(Uni<T> uni) {
        return Uni.createFrom().deferred(() -> {
            Context context = Vertx.currentContext();
            return context == null ? uni : uni.emitOn(task -> context.runOnContext(v -> task.run()));
        });
    }
}
