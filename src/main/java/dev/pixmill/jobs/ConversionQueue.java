package dev.pixmill.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.accounts.CreditLedger;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageInfo;
import dev.pixmill.security.Tokens;
import dev.pixmill.storage.BlobStore;
import dev.pixmill.storage.ResultCache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The shared work queue, in PostgreSQL. Everything that replicas could race on is one SQL
 * statement here: claims use {@code FOR UPDATE SKIP LOCKED} and a lease token unique to the
 * claim, and a result is only accepted from the holder of that token. Every state change sends a
 * NOTIFY in the same transaction, so listeners on any replica see it once it is committed.
 */
@ApplicationScoped
public class ConversionQueue {

    public static final String WORK_CHANNEL = "pixmill_work";
    public static final String STATUS_CHANNEL = "pixmill_status";

    /**
     * A new conversion with its input, as a dialect submits it. {@code credits} (its cost) and
     * {@code dialectOptions} (JSON the submitting dialect reads back when it answers) and
     * {@code webhookUrl} (called when it ends) may be null.
     */
    public record NewConversion(UUID id, String owner, String kind, ConversionParams params, String inputFilename,
            ImageInfo input, byte[] inputBytes, Integer credits, String dialectOptions, String webhookUrl) {
    }

    /**
     * A row this replica now holds; {@code lease} proves it in every later update. {@code params}
     * and {@code dialectOptions} are the stored JSON, read by the {@link WorkHandler} of its kind.
     */
    public record Claimed(UUID id, String lease, String kind, String params, String dialectOptions,
            String inputFormat, int attempts) {
    }

    /** Which kinds a claim may take: those in {@code kinds}, or ({@code include} false) all others. */
    public record KindFilter(Set<String> kinds, boolean include) {

        public static final KindFilter ALL = new KindFilter(Set.of(), false);

        public static KindFilter only(Set<String> kinds) {
            return new KindFilter(Set.copyOf(kinds), true);
        }

        public static KindFilter except(Set<String> kinds) {
            return new KindFilter(Set.copyOf(kinds), false);
        }

        public boolean admits(String kind) {
            return kinds.contains(kind) == include;
        }
    }

    @Inject
    Pool pool;

    @Inject
    BlobStore blobs;

    @Inject
    ResultCache cache;

    @Inject
    ObjectMapper json;

    @Inject
    JobsConfig config;

    @Inject
    CreditLedger ledger;

    public Uni<Void> enqueue(NewConversion c) {
        // the input goes to the store before the transaction, which then only records it
        return blobs.writeThen(c.id(), BlobStore.Role.INPUT, c.input().format().mimeType(), c.inputBytes(),
                input -> pool.withTransaction(tx -> insertPending(tx, c, null, null, input)
                        .chain(() -> notify(tx, WORK_CHANNEL, c.id()))));
    }

    /**
     * Work without an input image (e.g. an image to generate): what it needs is all in
     * {@code params}. {@code inputFormat} and {@code inputSize} say what its input is (a prompt:
     * its UTF-8 length); {@code downloadToken}, when given, is its result's public id from the start.
     */
    public record NewWork(UUID id, String owner, String kind, String params, String dialectOptions,
            String inputFormat, long inputSize, String outputFormat, Integer credits, String downloadToken) {
    }

    /**
     * Queues {@code rows} in one transaction together with {@code alongside} (e.g. charging for
     * them), which may fail to refuse them: then nothing is queued. One work NOTIFY wakes the workers.
     */
    public Uni<Void> enqueueWork(List<NewWork> rows, Function<SqlClient, Uni<Void>> alongside) {
        return pool.withTransaction(tx -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (NewWork w : rows) {
                chain = chain.chain(() -> tx.preparedQuery("""
                                insert into conversions (id, owner, kind, status, params, input_format, input_size,
                                    output_format, credits, dialect_options, download_token)
                                values ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $10)""")
                        .execute(Tuple.from(new Object[] { w.id(), w.owner(), w.kind(), w.params(), w.inputFormat(),
                                w.inputSize(), w.outputFormat(), w.credits(), w.dialectOptions(), w.downloadToken() }))
                        .replaceWithVoid());
            }
            return chain.chain(() -> alongside.apply(tx))
                    .chain(() -> rows.isEmpty() ? Uni.createFrom().voidItem() : notify(tx, WORK_CHANNEL, rows.getFirst().id()));
        });
    }

    /**
     * Inserts a pending conversion with its input (an item of {@code jobId} when that is not null);
     * answers the input as stored.
     * One that costs credits is paid for first, in the same transaction: a key short of credits
     * gets a 402 and nothing is queued (a trigger refunds it if it fails, migration V7).
     */
    Uni<BlobStore.Stored> insertPending(SqlClient tx, NewConversion c, UUID jobId, Integer position) {
        // inside the caller's open transaction (a batch is created whole): the caller discards
        // what was written if that transaction fails
        return blobs.write(c.id(), BlobStore.Role.INPUT, c.input().format().mimeType(), c.inputBytes())
                .call(input -> Uni.createFrom().deferred(() -> insertPending(tx, c, jobId, position, input))
                        .onFailure().call(() -> blobs.discard(input)));
    }

    /** As {@link #insertPending(SqlClient, NewConversion, UUID, Integer)}, its input already in the store. */
    private Uni<Void> insertPending(SqlClient tx, NewConversion c, UUID jobId, Integer position, BlobStore.Stored input) {
        if (!ImageConversionHandler.KINDS.contains(c.kind())) {
            // a new kind of image conversion must be added there, or no worker would run it
            throw new IllegalArgumentException("no handler runs image conversions of kind " + c.kind());
        }
        return charge(tx, c).chain(() -> tx.preparedQuery("""
                        insert into conversions (id, owner, kind, status, params, input_filename, input_format,
                            input_size, input_width, input_height, output_format, credits, dialect_options, webhook_url,
                            job_id, job_position)
                        values ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)""")
                .execute(Tuple.from(new Object[] { c.id(), c.owner(), c.kind(), write(c.params()), c.inputFilename(),
                        c.input().format().extension(), (long) c.inputBytes().length, c.input().width(),
                        c.input().height(), c.params().output().extension(), c.credits(), c.dialectOptions(),
                        c.webhookUrl(), jobId, position }))
                .chain(() -> blobs.record(tx, c.id(), BlobStore.Role.INPUT, input)));
    }

    private Uni<Void> charge(SqlClient tx, NewConversion c) {
        if (c.credits() == null) {
            return Uni.createFrom().voidItem();
        }
        UUID payer = CreditLedger.keyOfOwner(c.owner()).orElseThrow(() -> new IllegalStateException(
                "conversion " + c.id() + " costs credits but its owner is not an API key"));
        String reason = c.kind() + " " + c.input().width() + "x" + c.input().height();
        return ledger.charge(tx, payer, List.of(new CreditLedger.Charge(c.credits(), reason, c.id()))).replaceWithVoid();
    }

    Uni<Void> notifyWork(SqlClient tx, UUID id) {
        return notify(tx, WORK_CHANNEL, id);
    }

    /**
     * A conversion run at request time (a synchronous dialect) whose result is kept for a later
     * download: stored as completed at once, never queued.
     */
    public record Finished(UUID id, String owner, String kind, String inputFilename, ImageInfo input, long inputSize,
            EngineResult result, String downloadToken, java.time.Duration retention) {
    }

    public Uni<Void> insertFinished(Finished f) {
        return blobs.writeThen(f.id(), BlobStore.Role.OUTPUT, f.result().format().mimeType(), f.result().bytes(),
                output -> pool.withTransaction(tx -> tx.preparedQuery("""
                        insert into conversions (id, owner, kind, status, params, input_filename, input_format,
                            input_size, input_width, input_height, output_format, output_size, output_width,
                            output_height, progress, download_token, started_at, completed_at, expires_at)
                        values ($1, $2, $3, 'completed', '{}', $4, $5, $6, $7, $8, $9, $10, $11, $12, 100, $13,
                            now(), now(), now() + make_interval(secs => $14))""")
                .execute(Tuple.from(new Object[] { f.id(), f.owner(), f.kind(), f.inputFilename(),
                        f.input().format().extension(), f.inputSize(), f.input().width(), f.input().height(),
                        f.result().format().extension(), (long) f.result().bytes().length, f.result().width(),
                        f.result().height(), f.downloadToken(), (double) f.retention().toSeconds() }))
                .chain(() -> blobs.record(tx, f.id(), BlobStore.Role.OUTPUT, output))));
    }

    /** A result taken by a single-use download: the row no longer answers to its token. */
    public record Taken(UUID id, String outputFormat, String inputFilename) {
    }

    /**
     * Takes a single-use download: one statement clears the token and ends the row's life, so of
     * any number of requests on any replicas exactly one gets the result. The bytes stay until
     * {@link #delete} (after the transfer) or the purger's grace, so the taker can stream them.
     */
    public Uni<Taken> takeDownload(String token, String kind) {
        return pool.preparedQuery("""
                        update conversions set download_token = null, expires_at = now()
                        where download_token = $1 and kind = $2 and status = 'completed' and expires_at > now()
                        returning id, output_format, input_filename""")
                .execute(Tuple.of(token, kind))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    Row row = it.next();
                    return new Taken(row.getUUID("id"), row.getString("output_format"), row.getString("input_filename"));
                });
    }

    /** Deletes a conversion and its bytes now. */
    public Uni<Void> delete(UUID id) {
        return pool.preparedQuery("delete from conversions where id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }

    /** Claims up to {@code max} pending rows of any kind, oldest first, for {@code worker}. */
    public Uni<List<Claimed>> claim(String worker, int max) {
        return claim(worker, max, KindFilter.ALL);
    }

    /** Claims up to {@code max} pending rows of the kinds {@code filter} admits, oldest first, for {@code worker}. */
    public Uni<List<Claimed>> claim(String worker, int max, KindFilter filter) {
        String lease = worker + "/" + Tokens.base62(12);
        // MATERIALIZED: the planner may not re-run the locking subquery, which with SKIP LOCKED
        // could pick other rows on a rescan and claim more than $3
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        with picked as materialized (
                            select id from conversions where status = 'pending' and (kind = any($4)) = $5
                            order by created_at limit $3 for update skip locked)
                        update conversions c set status = 'processing', lease_owner = $1,
                            lease_until = now() + make_interval(secs => $2), attempts = attempts + 1,
                            claimed_by = array_append(claimed_by, $6),
                            started_at = coalesce(started_at, now()), progress = 10
                        from picked where c.id = picked.id
                        returning c.id, c.kind, c.params, c.dialect_options, c.input_format, c.attempts""")
                .execute(Tuple.from(new Object[] { lease, config.lease().toMillis() / 1000.0, max,
                        filter.kinds().toArray(String[]::new), filter.include(), worker }))
                .chain(rows -> {
                    List<Claimed> claimed = new ArrayList<>();
                    for (Row row : rows) {
                        claimed.add(new Claimed(row.getUUID("id"), lease, row.getString("kind"),
                                row.getString("params"), row.getString("dialect_options"),
                                row.getString("input_format"), row.getInteger("attempts")));
                    }
                    return notifyAll(tx, claimed.stream().map(Claimed::id).toList()).replaceWith(claimed);
                }));
    }

    /**
     * Pushes the leases of running jobs forward, all in one statement; answers the ids whose claim
     * still holds. Only the holder's own token matches, so a claim that expired and was re-queued
     * or taken by another replica is never brought back; one that ran out but was not recovered yet
     * is still this holder's alone and is renewed (the recovery and this update lock the row in turn).
     */
    public Uni<Set<UUID>> renew(Collection<Claimed> running) {
        if (running.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        UUID[] ids = running.stream().map(Claimed::id).toArray(UUID[]::new);
        String[] leases = running.stream().map(Claimed::lease).toArray(String[]::new);
        return pool.preparedQuery("""
                        update conversions c set lease_until = now() + make_interval(secs => $3)
                        from unnest($1::uuid[], $2::text[]) as held(id, lease)
                        where c.id = held.id and c.lease_owner = held.lease and c.status = 'processing'
                        returning c.id""")
                .execute(Tuple.of(ids, leases, config.lease().toMillis() / 1000.0))
                .map(rows -> {
                    Set<UUID> held = new HashSet<>();
                    rows.forEach(r -> held.add(r.getUUID("id")));
                    return held;
                });
    }

    /**
     * Stores the result if the claim still holds; false if the job was taken from it. A row that
     * got its download token when it was queued (a generated image's public id) keeps it.
     */
    public Uni<Boolean> complete(Claimed job, EngineResult result, String downloadToken) {
        return complete(job, result, downloadToken, (String) null);
    }

    /** As above, entering the result in the result cache under {@code cacheKey} (when not null) in the same transaction. */
    public Uni<Boolean> complete(Claimed job, EngineResult result, String downloadToken, String cacheKey) {
        long crc = crc32(result.bytes());
        // the result goes to the store first; a claim that no longer holds leaves it unrecorded, so it is discarded
        return blobs.writeThen(job.id(), BlobStore.Role.OUTPUT, result.format().mimeType(), result.bytes(),
                output -> pool.withTransaction(tx -> completed(tx, job, output, result.width(), result.height(),
                                result.format(), crc, downloadToken,
                                () -> cacheKey == null ? Uni.createFrom().voidItem()
                                        : cache.record(tx, cacheKey, output, result, crc)))
                        .call(kept -> kept ? Uni.createFrom().voidItem() : blobs.discard(output)));
    }

    /**
     * Completes the row from a result cache entry: its own output row names the entry's object
     * (nothing is copied), with its own download token. The entry is held in the transaction, so
     * it cannot be evicted before the row names its object; gone already, this fails with
     * {@link ResultCache.EntryGoneException}.
     */
    public Uni<Boolean> completeFromCache(Claimed job, ResultCache.Entry entry, String downloadToken) {
        return pool.withTransaction(tx -> cache.hold(tx, entry)
                .chain(() -> completed(tx, job, entry.stored(), entry.width(), entry.height(), entry.format(),
                        entry.crc32(), downloadToken, () -> Uni.createFrom().voidItem())));
    }

    private Uni<Boolean> completed(SqlClient tx, Claimed job, BlobStore.Stored output, int width, int height,
            ImageFormat format, long crc, String downloadToken, Supplier<Uni<Void>> alongside) {
        return tx.preparedQuery("""
                        update conversions set status = 'completed', progress = 100, output_size = $3,
                            output_width = $4, output_height = $5, output_format = $6, download_token = coalesce(download_token, $7),
                            completed_at = now(), expires_at = now() + make_interval(secs => $8),
                            lease_owner = null, lease_until = null, output_crc32 = $9
                        where id = $1 and lease_owner = $2 and status = 'processing'""")
                .execute(Tuple.from(new Object[] { job.id(), job.lease(), output.size(), width, height,
                        format.extension(), downloadToken, (double) config.retention().toSeconds(), crc }))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : blobs.record(tx, job.id(), BlobStore.Role.OUTPUT, output)
                                .chain(() -> blobs.delete(tx, job.id(), BlobStore.Role.INPUT))
                                .chain(() -> alongside.get())
                                .chain(() -> notify(tx, STATUS_CHANNEL, job.id()))
                                .replaceWith(true));
    }

    public Uni<Boolean> fail(Claimed job, String code, String message) {
        return pool.withTransaction(tx -> endFailed(tx, job.id(), job.lease(), code, message));
    }

    private Uni<Boolean> endFailed(SqlClient tx, UUID id, String lease, String code, String message) {
        return tx.preparedQuery("""
                        update conversions set status = 'failed', progress = 100, error_code = $3, error_message = $4,
                            completed_at = now(), expires_at = now() + make_interval(secs => $5),
                            lease_owner = null, lease_until = null
                        where id = $1 and lease_owner = $2 and status = 'processing'""")
                // a charged row is refunded by the V7 trigger in this same transaction
                .execute(Tuple.of(id, lease, code, message, (double) config.retention().toSeconds()))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : blobs.delete(tx, id, BlobStore.Role.INPUT)
                                .chain(() -> notify(tx, STATUS_CHANNEL, id))
                                .replaceWith(true));
    }

    /** A claim this replica adopted into an attempt already running here: its try does not count. */
    public Uni<Void> undoAttempt(Claimed adopted) {
        return pool.preparedQuery("update conversions set attempts = greatest(attempts - 1, 0)"
                        + " where id = $1 and lease_owner = $2")
                .execute(Tuple.of(adopted.id(), adopted.lease()))
                .replaceWithVoid();
    }

    /**
     * Gives a claimed job back untouched (this replica is stopping or could not start it); the
     * try does not count. No work NOTIFY: other replicas pick it up on their next poll, so a
     * replica that keeps giving work back cannot cause a storm of claims.
     */
    public Uni<Void> release(Claimed job) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        update conversions set status = 'pending', progress = 0, lease_owner = null, lease_until = null,
                            attempts = greatest(attempts - 1, 0)
                        where id = $1 and lease_owner = $2 and status = 'processing'""")
                .execute(Tuple.of(job.id(), job.lease()))
                .chain(() -> notify(tx, STATUS_CHANNEL, job.id())));
    }

    /**
     * Re-queues jobs whose lease ran out (their replica died or hung); jobs that have used up
     * their tries are failed instead, so one poisonous input cannot take replicas down forever.
     */
    public Uni<Integer> recoverExpiredLeases() {
        // SKIP LOCKED: replicas sweeping at once split the rows instead of queueing on each
        // other's locks, and a row a worker is completing right now is left to that worker
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        with expired as materialized (
                            select id from conversions where status = 'processing' and lease_until < now()
                            for update skip locked)
                        update conversions c set
                            status = case when attempts >= $1 then 'failed' else 'pending' end,
                            progress = case when attempts >= $1 then 100 else 0 end,
                            error_code = case when attempts >= $1 then 'interrupted' end,
                            error_message = case when attempts >= $1
                                then 'processing was interrupted ' || attempts || ' times; giving up' end,
                            completed_at = case when attempts >= $1 then now() end,
                            expires_at = case when attempts >= $1 then now() + make_interval(secs => $2) end,
                            lease_owner = null, lease_until = null
                        from expired where c.id = expired.id
                        returning c.id""")
                .execute(Tuple.of(config.maxAttempts(), (double) config.retention().toSeconds()))
                .chain(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getUUID("id")));
                    Uni<Void> work = ids.isEmpty() ? Uni.createFrom().voidItem() : notify(tx, WORK_CHANNEL, ids.getFirst());
                    // rows failed here are refunded by the V7 trigger in this transaction
                    return work.chain(() -> notifyAll(tx, ids)).replaceWith(ids.size());
                }));
    }

    /**
     * Deletes ended conversions past their expiry; their blobs go with them (on delete cascade),
     * and the blobs' objects to {@code blob_garbage} (trigger, V9) for storage/BlobSweeper.
     * Expired results are refused from the moment they expire; the grace only lets a download that
     * started just before finish its pieces.
     */
    public Uni<Integer> purgeExpired() {
        // items of a batch go with their job (on delete cascade), which expires once it has ended
        return pool.preparedQuery("delete from conversions where expires_at < now() - interval '10 minutes'"
                        + " and job_id is null")
                .execute()
                .map(rows -> rows.rowCount())
                .chain(single -> pool.preparedQuery("""
                                with gone as (delete from jobs where expires_at < now() - interval '10 minutes'
                                    returning total_files)
                                select coalesce(sum(total_files), 0) from gone""")
                        .execute()
                        .map(rows -> single + rows.iterator().next().getLong(0).intValue()));
    }

    public Uni<Long> countPending() {
        return pool.query("select count(*) from conversions where status = 'pending'")
                .execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    static long crc32(byte[] bytes) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes);
        return crc.getValue();
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
}
