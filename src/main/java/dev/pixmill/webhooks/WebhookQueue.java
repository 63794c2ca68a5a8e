package dev.pixmill.webhooks;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Webhook deliveries in PostgreSQL. The rows are inserted by triggers (V5) in the transaction that
 * ends a conversion or a job; everything replicas could race on afterwards is one SQL statement
 * here. A claim takes due rows with {@code FOR UPDATE SKIP LOCKED} and a lease token unique to the
 * claim, and an outcome is only recorded by the holder of that token, so two replicas never send
 * one delivery at once; a lease that runs out (its replica died) makes the row claimable again.
 */
@ApplicationScoped
public class WebhookQueue {

    /** NOTIFY channel of new deliveries (payload: the delivery id). */
    public static final String CHANNEL = "pixmill_webhooks";
    public static final List<String> TYPES = List.of("conversion.completed", "conversion.failed", "job.completed",
            "job.failed");

    /** A delivery this replica holds for one try; {@code lease} proves it in every later update. */
    public record Claimed(String id, String type, UUID subjectId, String owner, UUID keyId, String url,
            String payload, int attempts, Instant createdAt, String lease) {
    }

    /** A delivery as its key lists it. */
    public record Listed(String id, String type, UUID subjectId, String url, String state, int attempts,
            Integer lastStatusCode, String lastError, String responseExcerpt, Instant nextAttemptAt,
            Instant lastAttemptAt, Instant createdAt, Instant deliveredAt) {
    }

    @Inject
    Pool pool;

    /**
     * Claims up to {@code max} due deliveries, oldest due first, counting the try. Rows whose body
     * is not rendered yet are taken only if this replica can render their type.
     */
    public Uni<List<Claimed>> claim(String lease, int max, Duration leaseTime, int maxAttempts, List<String> renderable) {
        // MATERIALIZED: the locking subquery must run once, or a rescan could lock other rows too
        return pool.preparedQuery("""
                        with picked as materialized (
                            select id from webhook_deliveries
                            where state = 'pending' and next_attempt_at <= now() and attempts < $4
                                and (lease_until is null or lease_until < now())
                                and (payload is not null or type = any($5))
                            order by next_attempt_at limit $3 for update skip locked)
                        update webhook_deliveries d set lease_owner = $1,
                            lease_until = now() + make_interval(secs => $2), attempts = d.attempts + 1,
                            last_attempt_at = now(), updated_at = now()
                        from picked where d.id = picked.id
                        returning d.id, d.type, d.subject_id, d.owner, d.key_id, d.url, d.payload, d.attempts,
                            d.created_at""")
                .execute(Tuple.of(lease, seconds(leaseTime), max, maxAttempts, renderable.toArray(String[]::new)))
                .map(rows -> {
                    List<Claimed> claimed = new ArrayList<>();
                    for (Row r : rows) {
                        claimed.add(new Claimed(r.getString("id"), r.getString("type"), r.getUUID("subject_id"),
                                r.getString("owner"), r.getUUID("key_id"), r.getString("url"), r.getString("payload"),
                                r.getInteger("attempts"), instant(r, "created_at"), lease));
                    }
                    return claimed;
                });
    }

    /**
     * Stores the body rendered at the first try, unless one is stored already; answers the body to
     * send (the stored one), or null if the claim was lost.
     */
    public Uni<String> freezePayload(Claimed c, String payload) {
        return pool.preparedQuery("""
                        update webhook_deliveries set payload = coalesce(payload, $3), updated_at = now()
                        where id = $1 and lease_owner = $2 returning payload""")
                .execute(Tuple.of(c.id(), c.lease(), payload))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getString("payload") : null);
    }

    /** The receiver answered 2xx. False if the claim was lost meanwhile. */
    public Uni<Boolean> delivered(Claimed c, int status, String excerpt) {
        return pool.preparedQuery("""
                        update webhook_deliveries set state = 'delivered', last_status_code = $3, last_error = null,
                            response_excerpt = $4, next_attempt_at = null, delivered_at = now(),
                            lease_owner = null, lease_until = null, updated_at = now()
                        where id = $1 and lease_owner = $2 and state = 'pending'""")
                .execute(Tuple.of(c.id(), c.lease(), status, excerpt))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * A try that failed: tried again after {@code delay}, or failed for good once it has made
     * {@code maxAttempts} tries. Answers the new state, or null if the claim was lost.
     */
    public Uni<String> attemptFailed(Claimed c, Integer status, String error, String excerpt, Duration delay,
            int maxAttempts) {
        return pool.preparedQuery("""
                        update webhook_deliveries set
                            state = case when attempts >= $6 then 'failed' else 'pending' end,
                            next_attempt_at = case when attempts >= $6 then null
                                else now() + make_interval(secs => $5) end,
                            last_status_code = $3, last_error = left($4, 500), response_excerpt = $7,
                            lease_owner = null, lease_until = null, updated_at = now()
                        where id = $1 and lease_owner = $2 and state = 'pending'
                        returning state""")
                .execute(Tuple.from(new Object[] { c.id(), c.lease(), status, error, seconds(delay), maxAttempts,
                        excerpt }))
                .map(WebhookQueue::state);
    }

    /** A delivery that no retry can help (nothing left to send, nothing to sign with). */
    public Uni<String> failed(Claimed c, String error) {
        return pool.preparedQuery("""
                        update webhook_deliveries set state = 'failed', next_attempt_at = null,
                            last_status_code = null, last_error = left($3, 500), response_excerpt = null,
                            lease_owner = null, lease_until = null, updated_at = now()
                        where id = $1 and lease_owner = $2 and state = 'pending'
                        returning state""")
                .execute(Tuple.of(c.id(), c.lease(), error))
                .map(WebhookQueue::state);
    }

    /**
     * Fails deliveries whose last allowed try was claimed by a sender that never recorded it
     * (its replica died): no tries are left. Returns how many.
     */
    public Uni<Integer> failAbandoned(int maxAttempts) {
        return pool.preparedQuery("""
                        update webhook_deliveries set state = 'failed', next_attempt_at = null,
                            last_error = 'the sender of the last try (' || attempts || ' of ' || $1
                                || ') stopped before the receiver answered',
                            lease_owner = null, lease_until = null, updated_at = now()
                        where state = 'pending' and attempts >= $1 and (lease_until is null or lease_until < now())""")
                .execute(Tuple.of(maxAttempts))
                .map(RowSet::rowCount);
    }

    /** The webhook secret of an active key, or null (revoked, or none yet). */
    public Uni<String> secret(UUID keyId) {
        return pool.preparedQuery("select webhook_secret from api_keys where id = $1 and revoked_at is null")
                .execute(Tuple.of(keyId))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getString("webhook_secret") : null);
    }

    /** The key's newest deliveries, newest first. */
    public Uni<List<Listed>> recent(UUID keyId, int limit) {
        return pool.preparedQuery("""
                        select id, type, subject_id, url, state, attempts, last_status_code, last_error,
                            response_excerpt, next_attempt_at, last_attempt_at, created_at, delivered_at
                        from webhook_deliveries where key_id = $1
                        order by created_at desc, id limit $2""")
                .execute(Tuple.of(keyId, limit))
                .map(rows -> {
                    List<Listed> listed = new ArrayList<>();
                    for (Row r : rows) {
                        listed.add(new Listed(r.getString("id"), r.getString("type"), r.getUUID("subject_id"),
                                r.getString("url"), r.getString("state"), r.getInteger("attempts"),
                                r.getInteger("last_status_code"), r.getString("last_error"),
                                r.getString("response_excerpt"), instant(r, "next_attempt_at"),
                                instant(r, "last_attempt_at"), instant(r, "created_at"), instant(r, "delivered_at")));
                    }
                    return listed;
                });
    }

    /** Deletes deliveries that ended longer ago than {@code retention}. */
    public Uni<Integer> purgeEnded(Duration retention) {
        return pool.preparedQuery("delete from webhook_deliveries where state <> 'pending'"
                        + " and updated_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of(seconds(retention)))
                .map(RowSet::rowCount);
    }

    private static String state(RowSet<Row> rows) {
        return rows.iterator().hasNext() ? rows.iterator().next().getString("state") : null;
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }
}
