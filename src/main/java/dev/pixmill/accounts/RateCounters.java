package dev.pixmill.accounts;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.LocalDate;

/**
 * The counters behind the limits, one row per caller in PostgreSQL ({@code rate_counters}, V6),
 * so every replica counts into the same numbers. A check is one statement: an upsert that counts
 * the request into the current request window and its images into the current UTC day only if
 * both stay within their limits, and otherwise changes nothing. The database's clock decides the
 * windows, so replicas whose clocks differ still agree on them.
 *
 * <p>A check's commit does not wait for the disk ({@code synchronous_commit} off for that one
 * statement's transaction): a durable commit costs a WAL flush, milliseconds on an ordinary disk,
 * more than the whole check otherwise (README, Limits). If PostgreSQL itself crashes, the last
 * fraction of a second of counts may be lost (a few requests go uncounted); nothing else is at
 * stake, and every other statement keeps the server's setting.
 */
@ApplicationScoped
public class RateCounters {

    /**
     * The caller's counts after a check, as of the current windows: with the request and its
     * images when {@code admitted}, as they were (nothing counted) when not. The resets are whole
     * seconds until the request window and the UTC day end.
     */
    public record Count(boolean admitted, int requests, int requestsToday, int conversionsToday, LocalDate day,
            long windowResetSeconds, long dayResetSeconds) {
    }

    /** The current windows in the database's clock; {@code seconds} is the request window's length. */
    private static String clock(String seconds) {
        return """
                clock as (
                    select to_timestamp(floor(extract(epoch from now()) / %1$s) * %1$s) as window_start,
                           (now() at time zone 'utc')::date as day
                )""".formatted(seconds);
    }

    /**
     * $1 subject, $2 images, $3 requests per window, $4 images per day, $5 window seconds. A row
     * whose window or day is over counts from zero; one stamped with a later window than this
     * statement's clock (a statement that started just before a boundary) is counted in that later
     * window, never moved back. The second branch reads the counts a refusal is answered with.
     */
    static final String ADMIT = "with " + clock("$5::int") + """
            , relaxed as materialized (
                -- this statement's commit does not wait for its WAL to reach the disk (see the class comment)
                select set_config('synchronous_commit', 'off', true) as commit_mode
            ), counted as (
                insert into rate_counters as c (subject, window_start, requests, day, requests_today, conversions_today)
                select $1::text, clock.window_start, 1, clock.day, 1, $2::int from clock, relaxed
                where $2::int <= $4::int and relaxed.commit_mode = 'off'
                on conflict (subject) do update set
                    window_start = greatest(c.window_start, excluded.window_start),
                    requests = case when c.window_start >= excluded.window_start then c.requests + 1 else 1 end,
                    day = greatest(c.day, excluded.day),
                    requests_today = case when c.day >= excluded.day then c.requests_today + 1 else 1 end,
                    conversions_today = case when c.day >= excluded.day then c.conversions_today else 0 end
                        + excluded.conversions_today
                where (c.window_start < excluded.window_start or c.requests < $3::int)
                    and case when c.day >= excluded.day then c.conversions_today else 0 end
                        + excluded.conversions_today <= $4::int
                returning c.requests, c.requests_today, c.conversions_today, c.window_start, c.day
            ), answer as (
                select true as admitted, requests, requests_today, conversions_today, window_start, day from counted
                union all
                select false, case when c.window_start >= clock.window_start then c.requests else 0 end,
                       case when c.day >= clock.day then c.requests_today else 0 end,
                       case when c.day >= clock.day then c.conversions_today else 0 end,
                       greatest(c.window_start, clock.window_start), greatest(c.day, clock.day)
                from clock left join rate_counters c on c.subject = $1::text
                where not exists (select 1 from counted)
            )
            select admitted, requests, requests_today, conversions_today, day,
                   ceil(extract(epoch from window_start + $5::int * interval '1 second' - now()))::bigint,
                   ceil(extract(epoch from (day + 1)::timestamp at time zone 'utc' - now()))::bigint
            from answer""";

    /** $1 subject, $2 window seconds. */
    static final String READ = "with " + clock("$2::int") + """
            select false, case when c.window_start >= clock.window_start then c.requests else 0 end,
                   case when c.day >= clock.day then c.requests_today else 0 end,
                   case when c.day >= clock.day then c.conversions_today else 0 end,
                   clock.day,
                   ceil(extract(epoch from clock.window_start + $2::int * interval '1 second' - now()))::bigint,
                   ceil(extract(epoch from (clock.day + 1)::timestamp at time zone 'utc' - now()))::bigint
            from clock left join rate_counters c on c.subject = $1::text""";

    private final Pool pool;

    @Inject
    public RateCounters(Pool pool) {
        this.pool = pool;
    }

    /**
     * Counts one request and {@code conversions} images for {@code subject} if neither limit is
     * passed by it; otherwise counts nothing. Atomic against every other replica's checks.
     */
    public Uni<Count> admit(String subject, int conversions, int requestsPerWindow, int conversionsPerDay,
            int windowSeconds) {
        return pool.preparedQuery(ADMIT)
                .execute(Tuple.of(subject, conversions, requestsPerWindow, conversionsPerDay, windowSeconds))
                .map(rows -> count(rows.iterator().next()));
    }

    /**
     * Gives back {@code conversions} images counted on {@code day} (a request that failed before
     * its work was stored); nothing if that day is over. Answers the day's count after it, or -1.
     */
    public Uni<Integer> giveBack(String subject, int conversions, LocalDate day) {
        return pool.preparedQuery("""
                        update rate_counters set conversions_today = greatest(conversions_today - $2::int, 0)
                        where subject = $1::text and day = $3::date
                        returning conversions_today""")
                .execute(Tuple.of(subject, conversions, day))
                .map(rows -> rows.size() == 0 ? -1 : rows.iterator().next().getInteger(0));
    }

    /** The counts of {@code subject} in the current windows, counting nothing. */
    public Uni<Count> read(String subject, int windowSeconds) {
        return pool.preparedQuery(READ)
                .execute(Tuple.of(subject, windowSeconds))
                .map(rows -> count(rows.iterator().next()));
    }

    /** Deletes the counters of past UTC days (today's are kept: they hold today's counts). */
    public Uni<Integer> purgePastDays() {
        return pool.preparedQuery("delete from rate_counters where day < (now() at time zone 'utc')::date")
                .execute()
                .map(rows -> rows.rowCount());
    }

    private static Count count(Row row) {
        return new Count(row.getBoolean(0), row.getInteger(1), row.getInteger(2), row.getInteger(3),
                row.getLocalDate(4), Math.max(1, row.getLong(5)), Math.max(1, row.getLong(6)));
    }
}
