package dev.pixmill.storage;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

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

    @Inject
    Pool pool;

    public Uni<Void> put(SqlClient tx, UUID conversionId, Role role, String contentType, byte[] data) {
        return tx.preparedQuery("""
                        insert into blobs (conversion_id, role, content_type, data) values ($1, $2, $3, $4)
                        on conflict (conversion_id, role) do update set content_type = excluded.content_type,
                            data = excluded.data, created_at = now()""")
                .execute(Tuple.of(conversionId, role.db(), contentType, Buffer.buffer(data)))
                .replaceWithVoid();
    }

    public Uni<Blob> get(UUID conversionId, Role role) {
        return pool.preparedQuery("select content_type, data from blobs where conversion_id = $1 and role = $2")
                .execute(Tuple.of(conversionId, role.db()))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    Row row = it.next();
                    return new Blob(row.getString("content_type"), row.getBuffer("data").getBytes());
                });
    }

    public Uni<Void> delete(SqlClient tx, UUID conversionId, Role role) {
        return tx.preparedQuery("delete from blobs where conversion_id = $1 and role = $2")
                .execute(Tuple.of(conversionId, role.db()))
                .replaceWithVoid();
    }
}
