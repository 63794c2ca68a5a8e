package dev.pixmill.storage;

import io.netty.buffer.Unpooled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;
import java.util.function.Function;

/**
 * Input and output bytes of conversions, in PostgreSQL so that any replica can serve them.
 * Writes take the caller's connection so they join its transaction.
 */
@ApplicationScoped
public class BlobStore {

    public enum Role {
        INPUT, OUTPUT;

        String db() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Blob(String contentType, byte[] data) {
    }

    /** What a blob is, without its bytes. */
    public record BlobInfo(String contentType, long size) {
    }

    /** Downloads are sent in pieces of this size, so a large result never sits whole in memory. */
    static final int CHUNK_BYTES = 1 << 20;

    @Inject
    Pool pool;

    public Uni<Void> put(SqlClient tx, UUID conversionId, Role role, String contentType, byte[] data) {
        return tx.preparedQuery("""
                        insert into blobs (conversion_id, role, content_type, data) values ($1, $2, $3, $4)
                        on conflict (conversion_id, role) do update set content_type = excluded.content_type,
                            data = excluded.data, created_at = now()""")
                // wrapped, not copied: the client copies it once into the socket buffer
                .execute(Tuple.of(conversionId, role.db(), contentType, Buffer.buffer(Unpooled.wrappedBuffer(data))))
                .replaceWithVoid();
    }

    public Uni<Blob> get(UUID conversionId, Role role) {
        return pool.preparedQuery("select content_type, data from blobs where conversion_id = $1 and role = $2")
                .execute(Tuple.of(conversionId, role.db()))
                .map(rows -> firstOrNull(rows, row -> new Blob(row.getString("content_type"),
                        row.getBuffer("data").getBytes())));
    }

    public Uni<BlobInfo> info(UUID conversionId, Role role) {
        // octet_length of an EXTERNAL (uncompressed) value is read from its TOAST pointer
        return pool.preparedQuery("select content_type, octet_length(data) as size from blobs"
                        + " where conversion_id = $1 and role = $2")
                .execute(Tuple.of(conversionId, role.db()))
                .map(rows -> firstOrNull(rows, row -> new BlobInfo(row.getString("content_type"), row.getLong("size"))));
    }

    /**
     * The bytes in pieces of {@link #CHUNK_BYTES}, read one after the other as the consumer asks
     * for them; substring() of an EXTERNAL value reads only the TOAST chunks it covers.
     */
    public Multi<Buffer> stream(UUID conversionId, Role role, long size) {
        long pieces = (size + CHUNK_BYTES - 1) / CHUNK_BYTES;
        return Multi.createFrom().range(0, (int) pieces)
                .onItem().transformToUniAndConcatenate(i -> pool
                        .preparedQuery("select substring(data from $3 for $4) as piece from blobs"
                                + " where conversion_id = $1 and role = $2")
                        .execute(Tuple.of(conversionId, role.db(), (int) ((long) i * CHUNK_BYTES + 1), CHUNK_BYTES))
                        .map(rows -> {
                            Buffer piece = firstOrNull(rows, row -> row.getBuffer("piece").getDelegate());
                            if (piece == null) {
                                throw new IllegalStateException("blob " + conversionId + " disappeared while streaming");
                            }
                            return piece;
                        }));
    }

    private static <T> T firstOrNull(RowSet<Row> rows, Function<Row, T> mapper) {
        var it = rows.iterator();
        return it.hasNext() ? mapper.apply(it.next()) : null;
    }

    public Uni<Void> delete(SqlClient tx, UUID conversionId, Role role) {
        return tx.preparedQuery("delete from blobs where conversion_id = $1 and role = $2")
                .execute(Tuple.of(conversionId, role.db()))
                .replaceWithVoid();
    }
}
