package dev.pixmill.accounts;

import dev.pixmill.storage.DatabaseSettings;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The counters against the real database: checks racing from two replicas' pools, windows and
 * days that end, a clock behind another replica's, giving back, purging. Each test has subjects of
 * its own, so the suite's other counters are left alone.
 */
@QuarkusTest
class RateCountersTest {

    static final int BIG = 1_000_000;

    @Inject
    Pool pool;

    @Inject
    RateCounters counters;

    @Inject
    DatabaseSettings database;

    io.vertx.core.Vertx otherVertx;
    Pool otherPool;
    RateCounters other;

    @BeforeEach
    void secondReplica() {
        dev.pixmill.support.RateLimits.awaitRoomInWindow(pool, 60, 10);
        otherVertx = io.vertx.core.Vertx.vertx();
        otherPool = Pool.newInstance(PgBuilder.pool().with(new PoolOptions().setMaxSize(8))
                .connectingTo(database.connectOptions()).using(otherVertx).build());
        other = new RateCounters(otherPool);
    }

    @AfterEach
    void closeIt() throws Exception {
        otherPool.closeAndAwait();
        otherVertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @Test
    void checksRacingFromTwoReplicasAdmitExactlyTheLimit() {
        String subject = subject();
        List<RateCounters.Count> all = race(60, i -> (i % 2 == 0 ? counters : other).admit(subject, 1, 17, BIG, 60));
        assertThat(all.stream().filter(RateCounters.Count::admitted).count()).isEqualTo(17);
        assertThat(all.stream().filter(RateCounters.Count::admitted).map(RateCounters.Count::requests))
                .containsExactlyInAnyOrderElementsOf(range(1, 17));
        assertThat(counters.read(subject, 60).await().indefinitely().requests()).isEqualTo(17);

        // the quota: 60 requests of 3 images each, 50 a day: 16 fit, and no request is half counted
        String quota = subject();
        List<RateCounters.Count> images = race(60, i -> (i % 2 == 0 ? other : counters).admit(quota, 3, BIG, 50, 60));
        assertThat(images.stream().filter(RateCounters.Count::admitted).count()).isEqualTo(16);
        RateCounters.Count after = counters.read(quota, 60).await().indefinitely();
        assertThat(after.conversionsToday()).isEqualTo(48);
        assertThat(after.requestsToday()).isEqualTo(16);
        // a smaller request still fits what is left
        assertThat(other.admit(quota, 2, BIG, 50, 60).await().indefinitely().conversionsToday()).isEqualTo(50);
        assertThat(counters.admit(quota, 1, BIG, 50, 60).await().indefinitely().admitted()).isFalse();
    }

    @Test
    void anEndedWindowOrDayCountsFromZero() {
        String subject = subject();
        for (int i = 1; i <= 3; i++) {
            assertThat(counters.admit(subject, 2, 3, 10, 60).await().indefinitely().requests()).isEqualTo(i);
        }
        RateCounters.Count refused = counters.admit(subject, 2, 3, 10, 60).await().indefinitely();
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.requests()).isEqualTo(3);
        assertThat(refused.conversionsToday()).isEqualTo(6);

        age(subject, "window_start = window_start - interval '1 minute'");
        RateCounters.Count next = counters.admit(subject, 2, 3, 10, 60).await().indefinitely();
        assertThat(next.admitted()).isTrue();
        assertThat(next.requests()).isEqualTo(1);
        assertThat(next.requestsToday()).isEqualTo(4);
        assertThat(next.conversionsToday()).isEqualTo(8);
        // the day's quota is not a window's: 8 + 4 > 10 even in a new minute
        RateCounters.Count over = counters.admit(subject, 4, 3, 10, 60).await().indefinitely();
        assertThat(over.admitted()).isFalse();
        assertThat(over.conversionsToday()).isEqualTo(8);

        age(subject, "day = day - 1, window_start = window_start - interval '1 day'");
        RateCounters.Count tomorrow = counters.admit(subject, 4, 3, 10, 60).await().indefinitely();
        assertThat(tomorrow.admitted()).isTrue();
        assertThat(tomorrow.requests()).isEqualTo(1);
        assertThat(tomorrow.requestsToday()).isEqualTo(1);
        assertThat(tomorrow.conversionsToday()).isEqualTo(4);
        assertThat(tomorrow.day()).isEqualTo(today());
    }

    @Test
    void aRowAnotherReplicaStampedWithALaterWindowIsCountedInThatWindow() {
        String subject = subject();
        counters.admit(subject, 1, 2, BIG, 60).await().indefinitely();
        // a replica whose statement's clock is ahead moved the row to the next window and filled it
        age(subject, "window_start = window_start + interval '1 minute', requests = 2");
        RateCounters.Count behind = counters.admit(subject, 1, 2, BIG, 60).await().indefinitely();
        assertThat(behind.admitted()).as("not reset by a clock that is behind").isFalse();
        assertThat(behind.requests()).isEqualTo(2);
    }

    @Test
    void givingBackLowersTheDayOnlyAndNeverBelowZero() {
        String subject = subject();
        RateCounters.Count count = counters.admit(subject, 5, BIG, 10, 60).await().indefinitely();
        assertThat(counters.giveBack(subject, 3, count.day()).await().indefinitely()).isEqualTo(2);
        assertThat(counters.giveBack(subject, 3, count.day()).await().indefinitely()).isZero();
        assertThat(counters.giveBack(subject, 1, count.day().minusDays(1)).await().indefinitely()).isEqualTo(-1);
        RateCounters.Count read = counters.read(subject, 60).await().indefinitely();
        assertThat(read.requests()).as("the request stays counted").isEqualTo(1);
        assertThat(read.conversionsToday()).isZero();
        assertThat(counters.giveBack(subject(), 1, count.day()).await().indefinitely()).isEqualTo(-1);
    }

    @Test
    void readingCountsNothingAndAnUnknownCallerHasUsedNothing() {
        String subject = subject();
        RateCounters.Count unknown = counters.read(subject, 60).await().indefinitely();
        assertThat(unknown.requests()).isZero();
        assertThat(unknown.conversionsToday()).isZero();
        assertThat(unknown.day()).isEqualTo(today());
        assertThat(unknown.windowResetSeconds()).isBetween(1L, 60L);
        counters.admit(subject, 1, BIG, BIG, 60).await().indefinitely();
        counters.read(subject, 60).await().indefinitely();
        assertThat(counters.read(subject, 60).await().indefinitely().requests()).isEqualTo(1);
    }

    @Test
    void thePurgeDeletesPastDaysOnly() {
        String yesterday = subject();
        String current = subject();
        counters.admit(yesterday, 1, BIG, BIG, 60).await().indefinitely();
        counters.admit(current, 1, BIG, BIG, 60).await().indefinitely();
        age(yesterday, "day = day - 1");
        age(current, "window_start = window_start - interval '5 minutes'"); // an old window of today
        assertThat(counters.purgePastDays().await().indefinitely()).isGreaterThanOrEqualTo(1);
        assertThat(exists(yesterday)).isFalse();
        assertThat(exists(current)).isTrue();
        assertThat(counters.read(current, 60).await().indefinitely().conversionsToday()).isEqualTo(1);
    }

    @Test
    void theRelaxedCommitIsTheChecksOwnAndEndsWithIt() {
        Pool single = Pool.newInstance(PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
                .connectingTo(database.connectOptions()).using(otherVertx).build());
        try {
            single.query("set synchronous_commit = on").execute().await().indefinitely();
            new RateCounters(single).admit(subject(), 1, BIG, BIG, 60).await().indefinitely();
            // the next statement on the same connection has the session's setting again
            assertThat(synchronousCommit(single)).isEqualTo("on");
        } finally {
            single.closeAndAwait();
        }
    }

    private static String synchronousCommit(Pool pool) {
        return pool.query("show synchronous_commit").execute().await().indefinitely().iterator().next().getString(0);
    }

    private static List<RateCounters.Count> race(int n, java.util.function.IntFunction<Uni<RateCounters.Count>> check) {
        List<Uni<RateCounters.Count>> checks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            checks.add(check.apply(i));
        }
        return Uni.join().all(checks).andFailFast().await().atMost(java.time.Duration.ofSeconds(30));
    }

    private static List<Integer> range(int from, int to) {
        return java.util.stream.IntStream.rangeClosed(from, to).boxed().toList();
    }

    private static String subject() {
        return "test:" + UUID.randomUUID();
    }

    private LocalDate today() {
        return pool.query("select (now() at time zone 'utc')::date").execute().await().indefinitely().iterator().next()
                .getLocalDate(0);
    }

    private void age(String subject, String set) {
        pool.preparedQuery("update rate_counters set " + set + " where subject = $1").execute(Tuple.of(subject))
                .await().indefinitely();
    }

    private boolean exists(String subject) {
        return pool.preparedQuery("select 1 from rate_counters where subject = $1").execute(Tuple.of(subject))
                .await().indefinitely().size() > 0;
    }
}
