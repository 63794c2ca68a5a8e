package dev.pixmill.storage;

import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Results of engine work by {@link dev.pixmill.engine.OperationKey}, so that no replica does the
 * same work twice. An entry names an object of the store; a hit gives the caller's own
 * conversion its own output row naming that object (no bytes copied, no decode, no encode). An
 * object goes only when no blob row and no entry names it: the garbage drain and the orphan scan
 * of {@link BlobSweeper} check both. Entries are never reachable by clients, only through
 * the conversion that was served from them.
 */
@ApplicationScoped
public class ResultCache {

    private static final Logger LOG = Logger.getLogger(ResultCache.class);

    /** What a hit hands the caller's conversion. */
    public record Entry(String key, String storeKey, String contentType, ImageFormat format, long size, int width,
            int height, long crc32) {

        /** The entry's object as bytes in the store, for the caller's own blob row. */
        public BlobStore.Stored stored() {
            return new BlobStore.Stored(storeKey, contentType, size);
        }
    }

    /** The entry a lookup found was evicted before the caller's conversion could take it: run the work instead. */
    public static final class EntryGoneException extends RuntimeException {
        public EntryGoneException(String key) {
            super("result cache entry " + key + " was evicted before it was used", null, false, false);
        }
    }

    @Inject
    Pool pool;

    @Inject
    ObjectStore objects;

    @Inject
    CacheConfig config;

    @Inject
    MeterRegistry registry;

    private volatile boolean enabled;
    private final AtomicLong bytes = new AtomicLong();

    @PostConstruct
    void init() {
        enabled = config.enabled();
        registry.gauge("pixmill.cache.bytes", bytes);
    }

    public boolean enabled() {
        return enabled;
    }

    /** For tests: the switch as if configured so. */
    void enabled(boolean on) {
        enabled = on;
    }

    /**
     * The live entry for {@code key}, marked used in the same statement, or null (a miss). An
     * entry whose object is gone or torn is dropped and counts as a miss, never as a failure.
     */
    public Uni<Entry> lookup(String key, String kind) {
        return pool.preparedQuery("""
                        update result_cache set hits = hits + 1, last_hit_at = now()
                        where key = $1 and created_at > now() - make_interval(secs => $2)
                        returning store_key, content_type, format, size, width, height, crc32""")
                .execute(Tuple.of(key, (double) config.ttl().toSeconds()))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().<Entry>nullItem();
                    }
                    Row row = rows.iterator().next();
                    Entry entry = new Entry(key, row.getString("store_key"), row.getString("content_type"),
                            ImageFormat.valueOf(row.getString("format")), row.getLong("size"),
                            row.getInteger("width"), row.getInteger("height"), row.getLong("crc32"));
                    return BlobStore.onCallerContext(objects.size(entry.storeKey()))
                            .chain(size -> size != null && size == entry.size() ? Uni.createFrom().item(entry)
                                    : drop(entry, size));
                })
                // the cache only saves work: whatever goes wrong in it, the work runs
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("result cache lookup of %s failed, running the work: %s", key, e.getMessage());
                    return null;
                })
                .invoke(entry -> count(entry != null, kind));
    }

    private Uni<Entry> drop(Entry entry, Long found) {
        LOG.warnf("result cache entry %s names %s, which %s; dropping the entry", entry.key(), entry.storeKey(),
                found == null ? "is gone from the store" : "holds " + found + " bytes, not " + entry.size());
        return pool.preparedQuery("delete from result_cache where key = $1 and store_key = $2")
                .execute(Tuple.of(entry.key(), entry.storeKey()))
                .replaceWith((Entry) null);
    }

    private void count(boolean hit, String kind) {
        Counter.builder(hit ? "pixmill.cache.hits" : "pixmill.cache.misses").tag("kind", kind)
                .register(registry).increment();
    }

    /**
     * In the transaction that takes the entry's object for a conversion: holds the entry so that
     * eviction waits until the conversion's row names the object. Fails with
     * {@link EntryGoneException} when it went since the lookup.
     */
    public Uni<Void> hold(SqlClient tx, Entry entry) {
        return tx.preparedQuery("select 1 from result_cache where key = $1 and store_key = $2 for share")
                .execute(Tuple.of(entry.key(), entry.storeKey()))
                .invoke(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new EntryGoneException(entry.key());
                    }
                })
                .replaceWithVoid();
    }

    /**
     * A new entry for the result just stored as {@code stored}, in the transaction that records
     * it for its conversion; an entry already there (the same work done twice at once) stays.
     */
    public Uni<Void> record(SqlClient tx, String key, BlobStore.Stored stored, EngineResult result, long crc32) {
        return tx.preparedQuery("""
                        insert into result_cache (key, store_key, content_type, format, size, width, height, crc32)
                        values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (key) do nothing""")
                .execute(Tuple.from(new Object[] { key, stored.key(), stored.contentType(), result.format().name(),
                        stored.size(), result.width(), result.height(), crc32 }))
                .replaceWithVoid();
    }

    /**
     * Deletes expired entries, then the least recently used until the rest fit in
     * {@code max-size}; their objects go to {@code blob_garbage} (trigger, V10). One replica at a
     * time (an advisory lock; the others skip). Answers how many went.
     */
    public Uni<Integer> evict() {
        return evict(config.maxSize().asLongValue());
    }

    /** {@link #evict()} to another bound (tests). */
    Uni<Integer> evict(long maxBytes) {
        return pool.withTransaction(tx -> tx.query("select pg_try_advisory_xact_lock(hashtext('pixmill.result_cache'))")
                .execute()
                .chain(lock -> !lock.iterator().next().getBoolean(0) ? Uni.createFrom().item(0)
                        : tx.preparedQuery("""
                                with expired as (
                                    delete from result_cache where created_at <= now() - make_interval(secs => $1)
                                    returning key),
                                ranked as (
                                    select key, sum(size) over (order by last_hit_at desc, key) as running
                                    from result_cache where key not in (select key from expired)),
                                surplus as (
                                    delete from result_cache where key in (select key from ranked where running > $2)
                                    returning key)
                                select (select count(*) from expired) + (select count(*) from surplus) as evicted""")
                        .execute(Tuple.of((double) config.ttl().toSeconds(), maxBytes))
                        .map(rows -> rows.iterator().next().getLong("evicted").intValue())))
                .call(this::size);
    }

    /** For tests and operators: how many bytes the entries hold now. */
    public Uni<Long> size() {
        return pool.query("select coalesce(sum(size), 0) from result_cache").execute()
                .map(rows -> rows.iterator().next().getLong(0))
                .invoke(bytes::set);
    }
}
