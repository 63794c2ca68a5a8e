package dev.pixmill.storage;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Deletes objects that no row names. Two kinds: objects whose row was deleted (queued in
 * {@code blob_garbage} by the deleting transaction, drained here every sweep) and orphans, whose
 * row never committed (a crash or a rolled-back transaction between object and row), found by
 * listing the store now and then. Any replica may sweep; entries are locked while their objects
 * are deleted, and the orphan scan is run by one replica per period.
 */
@ApplicationScoped
public class BlobSweeper {

    private static final Logger LOG = Logger.getLogger(BlobSweeper.class);
    static final int BATCH = 200;
    /** A sweep stops after this many batches so it cannot hold the scheduler; the next one goes on. */
    private static final int MAX_BATCHES = 25;
    /** Objects deleted at once. */
    private static final int PARALLEL_DELETES = 8;

    @Inject
    Pool pool;

    @Inject
    ObjectStore objects;

    @Inject
    StorageConfig config;

    @Scheduled(every = "${pixmill.storage.sweep-every:15s}", delayed = "7s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return drainGarbage()
                .chain(() -> scanIfDue())
                .onFailure().invoke(e -> LOG.warnf("blob sweep failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Deletes the objects of deleted rows, batch by batch; answers how many went. */
    public Uni<Integer> drainGarbage() {
        return drainBatch().chain(new java.util.function.Function<Integer, Uni<? extends Integer>>() {
            private int total;
            private int batches;

            @Override
            public Uni<Integer> apply(Integer deleted) {
                total += deleted;
                batches++;
                return deleted < BATCH || batches >= MAX_BATCHES ? Uni.createFrom().item(total) : drainBatch().chain(this);
            }
        });
    }

    /**
     * One batch, in one transaction: the entries are locked (another replica skips them), their
     * objects deleted, then the entries of those that went. A failed deletion leaves its entry
     * for the next sweep. A key that a row names again (or a result cache entry names) is only dropped from the queue.
     */
    private Uni<Integer> drainBatch() {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        select g.store_key, exists (select 1 from blobs b where b.store_key = g.store_key)
                            or exists (select 1 from result_cache c where c.store_key = g.store_key) as named
                        from blob_garbage g order by g.queued_at limit $1 for update of g skip locked""")
                .execute(Tuple.of(BATCH))
                .chain(rows -> {
                    List<String> keys = new ArrayList<>();
                    List<String> named = new ArrayList<>();
                    for (Row row : rows) {
                        (row.getBoolean("named") ? named : keys).add(row.getString("store_key"));
                    }
                    return deleteObjects(keys)
                            .chain(deleted -> {
                                List<String> done = new ArrayList<>(deleted);
                                done.addAll(named);
                                return forget(tx, done).replaceWith(rows.size());
                            });
                }));
    }

    private Uni<List<String>> deleteObjects(List<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Multi.createFrom().iterable(keys)
                .onItem().transformToUni(key -> objects.delete(key).replaceWith(key)
                        .onFailure().invoke(e -> LOG.warnf("object %s not deleted, will retry: %s", key, e.getMessage()))
                        .onFailure().recoverWithNull())
                .merge(PARALLEL_DELETES)
                .collect().asList();
    }

    private static Uni<Void> forget(SqlClient tx, List<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery("delete from blob_garbage where store_key = any($1)")
                .execute(Tuple.of(keys.toArray(String[]::new)))
                .replaceWithVoid();
    }

    /** Runs the orphan scan if no replica ran it within {@code pixmill.storage.orphan-scan-every}. */
    Uni<Integer> scanIfDue() {
        return pool.preparedQuery("""
                        update blob_orphan_scan set ran_at = now()
                        where id = 1 and ran_at < now() - make_interval(secs => $1) returning ran_at""")
                .execute(Tuple.of((double) config.orphanScanEvery().toSeconds()))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(0)
                        : collectOrphans(Instant.now().minus(config.orphanAge())));
    }

    /**
     * Deletes the objects under {@link BlobStore#KEY_PREFIX} last written before {@code before}
     * that no row names (nor a result cache entry, nor a queued deletion, which the drain handles). {@code before} must lie
     * well behind any transaction still open, or its object would be taken from under it.
     */
    public Uni<Integer> collectOrphans(Instant before) {
        return objects.list(BlobStore.KEY_PREFIX)
                .select().where(o -> o.lastModified().isBefore(before))
                .group().intoLists().of(BATCH)
                .onItem().transformToUniAndConcatenate(this::deleteUnnamed)
                .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue))
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("deleted %d orphaned objects from %s", n, objects.describe());
                    }
                });
    }

    private Uni<Integer> deleteUnnamed(List<ObjectStore.Listed> listed) {
        String[] keys = listed.stream().map(ObjectStore.Listed::key).toArray(String[]::new);
        return pool.preparedQuery("""
                        select store_key from blobs where store_key = any($1)
                        union all select store_key from result_cache where store_key = any($1)
                        union all select store_key from blob_garbage where store_key = any($1)""")
                .execute(Tuple.of(keys))
                .chain(rows -> {
                    Set<String> named = new HashSet<>();
                    rows.forEach(r -> named.add(r.getString("store_key")));
                    List<String> orphans = new ArrayList<>();
                    for (String key : keys) {
                        if (!named.contains(key)) {
                            orphans.add(key);
                        }
                    }
                    return deleteObjects(orphans).map(List::size);
                });
    }

    /** For tests and operators: how many deletions are queued. */
    public Uni<Long> queued() {
        return pool.query("select count(*) from blob_garbage").execute().map(rows -> rows.iterator().next().getLong(0));
    }
}
