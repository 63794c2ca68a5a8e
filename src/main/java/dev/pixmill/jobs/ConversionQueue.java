package dev.pixmill.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageInfo;
import dev.pixmill.storage.BlobStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The shared work queue, in PostgreSQL. Everything that replicas could race on is one SQL
 * statement here: claims use {@code FOR UPDATE SKIP LOCKED} and a lease, and a result is only
 * accepted from the replica that still holds the lease. Every state change sends a NOTIFY in the
 * same transaction, so listeners on any replica see it once it is committed.
 */
@ApplicationScoped
public class ConversionQueue {

    public static final String WORK_CHANNEL = "pixmill_work";
    public static final String STATUS_CHANNEL = "pixmill_status";

    /** A new conversion with its input, as a dialect submits it. */
    public record NewConversion(UUID id, String owner, String kind, ConversionParams params, String inputFilename,
            ImageInfo input, byte[] inputBytes) {
    }

    /** A conversion this replica now holds the lease of. */
    public record Claimed(UUID id, ConversionParams params, String inputFormat, int attempts) {
    }

    @Inject
    Pool pool;

    @Inject
    BlobStore blobs;

    @Inject
    ObjectMapper json;

    @Inject
    JobsConfig config;

    public Uni<Void> enqueue(NewConversion c) {
        long retention = config.retention().toSeconds();
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        insert into conversions (id, owner, kind, status, params, input_filename, input_format,
                            input_size, input_width, input_height, output_format, expires_at)
                        values ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $10, now() + make_interval(secs => $11))""")
                .execute(Tuple.from(new Object[] { c.id(), c.owner(), c.kind(), write(c.params()), c.inputFilename(),
                        c.input().format().extension(), (long) c.inputBytes().length, c.input().width(),
                        c.input().height(), c.params().output().extension(), (double) retention }))
                .chain(() -> blobs.put(tx, c.id(), BlobStore.Role.INPUT, c.input().format().mimeType(), c.inputBytes()))
                .chain(() -> notify(tx, WORK_CHANNEL, c.id())));
    }

    public Uni<List<Claimed>> claim(String worker, int max) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        update conversions c set status = 'processing', lease_owner = $1,
                            lease_until = now() + make_interval(secs => $2), attempts = attempts + 1,
                            started_at = coalesce(started_at, now()), progress = 10
                        where c.id in (select id from conversions where status = 'pending'
                                       order by created_at limit $3 for update skip locked)
                        returning c.id, c.params, c.input_format, c.attempts""")
                .execute(Tuple.of(worker, (double) config.lease().toSeconds(), max))
                .chain(rows -> {
                    List<Claimed> claimed = new ArrayList<>();
                    for (Row row : rows) {
                        claimed.add(new Claimed(row.getUUID("id"), read(row.getString("params")), row.getString("input_format"),
                                row.getInteger("attempts")));
                    }
                    return notifyAll(tx, claimed.stream().map(Claimed::id).toList()).replaceWith(claimed);
                }));
    }

    /** Stores the result if {@code worker} still holds the lease; false if the job was taken from it. */
    public Uni<Boolean> complete(UUID id, String worker, EngineResult result, String downloadToken) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        update conversions set status = 'completed', progress = 100, output_size = $3,
                            output_width = $4, output_height = $5, output_format = $6, download_token = $7,
                            completed_at = now(), expires_at = now() + make_interval(secs => $8),
                            lease_owner = null, lease_until = null
                        where id = $1 and lease_owner = $2 and status = 'processing'""")
                .execute(Tuple.from(new Object[] { id, worker, (long) result.bytes().length, result.width(),
                        result.height(), result.format().extension(), downloadToken,
                        (double) config.retention().toSeconds() }))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : blobs.put(tx, id, BlobStore.Role.OUTPUT, result.format().mimeType(), result.bytes())
                                .chain(() -> blobs.delete(tx, id, BlobStore.Role.INPUT))
                                .chain(() -> notify(tx, STATUS_CHANNEL, id))
                                .replaceWith(true)));
    }

    public Uni<Boolean> fail(UUID id, String worker, String code, String message) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        update conversions set status = 'failed', progress = 100, error_code = $3, error_message = $4,
                            completed_at = now(), lease_owner = null, lease_until = null
                        where id = $1 and lease_owner = $2 and status = 'processing'""")
                .execute(Tuple.of(id, worker, code, message))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : blobs.delete(tx, id, BlobStore.Role.INPUT)
                                .chain(() -> notify(tx, STATUS_CHANNEL, id))
                                .replaceWith(true)));
    }

    /** Gives a claimed job back untouched (this replica could not start it); the try does not count. */
    public Uni<Void> release(UUID id, String worker) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        update conversions set status = 'pending', progress = 0, lease_owner = null, lease_until = null,
                            attempts = greatest(attempts - 1, 0)
                        where id = $1 and lease_owner = $2 and status = 'processing'""")
                .execute(Tuple.of(id, worker))
                .chain(() -> notify(tx, WORK_CHANNEL, id))
                .chain(() -> notify(tx, STATUS_CHANNEL, id)));
    }

    /**
     * Re-queues jobs whose lease ran out (their replica died or hung); jobs that have used up
     * their tries are failed instead, so one poisonous input cannot take replicas down forever.
     */
    public Uni<Integer> recoverExpiredLeases() {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        update conversions set
                            status = case when attempts >= $1 then 'failed' else 'pending' end,
                            progress = case when attempts >= $1 then 100 else 0 end,
                            error_code = case when attempts >= $1 then 'interrupted' end,
                            error_message = case when attempts >= $1
                                then 'processing was interrupted ' || attempts || ' times; giving up' end,
                            completed_at = case when attempts >= $1 then now() end,
                            lease_owner = null, lease_until = null
                        where status = 'processing' and lease_until < now()
                        returning id""")
                .execute(Tuple.of(config.maxAttempts()))
                .chain(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getUUID("id")));
                    Uni<Void> work = ids.isEmpty() ? Uni.createFrom().voidItem() : notify(tx, WORK_CHANNEL, ids.getFirst());
                    return work.chain(() -> notifyAll(tx, ids)).replaceWith(ids.size());
                }));
    }

    /** Deletes expired conversions; their blobs go with them (on delete cascade). */
    public Uni<Integer> purgeExpired() {
        return pool.preparedQuery("delete from conversions where expires_at < now()")
                .execute()
                .map(rows -> rows.rowCount());
    }

    public Uni<Long> countPending() {
        return pool.query("select count(*) from conversions where status = 'pending'")
                .execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    private Uni<Void> notify(SqlClient tx, String channel, UUID id) {
        return tx.preparedQuery("select pg_notify($1, $2)").execute(Tuple.of(channel, id.toString())).replaceWithVoid();
    }

    private Uni<Void> notifyAll(SqlClient tx, List<UUID> ids) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (UUID id : ids) {
            chain = chain.chain(() -> notify(tx, STATUS_CHANNEL, id));
        }
        return chain;
    }

    private String write(ConversionParams params) {
        try {
            return json.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("conversion parameters cannot be serialised", e);
        }
    }

    private ConversionParams read(String params) {
        try {
            return json.readValue(params, ConversionParams.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored conversion parameters are unreadable", e);
        }
    }
}
