package dev.pixmill.jobs;

import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.storage.BlobStore;
import dev.pixmill.support.Magic;
import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Short leases that running work renews: with a 3 s lease (a heartbeat every second) and a sweep
 * every second, a job that runs 8 s keeps its claim the whole time and completes once, even
 * across renewals that fail for a while; a claim that was taken over while its run went on is
 * neither renewed nor overwritten by that run.
 */
@QuarkusTest
@TestProfile(LeaseHeartbeatTest.ShortLeases.class)
class LeaseHeartbeatTest {

    public static class ShortLeases implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pixmill.jobs.lease", "3S", "pixmill.jobs.sweep-every", "1s");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(SlowWorkHandler.class);
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    ConversionQueue queue;

    @Inject
    SlowWorkHandler slow;

    @Inject
    BlobStore blobs;

    @Inject
    Pool pool;

    @Test
    void aJobRunningFarLongerThanTheLeaseKeepsItAndCompletesOnce() throws Exception {
        UUID id = enqueueSlow(8000, 64, 48);
        long started = System.nanoTime();
        Set<String> owners = new HashSet<>();
        Set<Long> leaseEnds = new HashSet<>();
        Row row = state(id);
        while (!row.getString("status").equals("completed")) {
            if (System.nanoTime() - started > Duration.ofSeconds(30).toNanos()) {
                fail("the slow job did not complete within 30 s: " + row.toJson());
            }
            String status = row.getString("status");
            if (status.equals("pending") && owners.isEmpty()) {
                // not claimed yet
            } else if (status.equals("processing")) {
                owners.add(row.getString("lease_owner"));
                leaseEnds.add(row.getLong("lease_end_ms"));
                // with the sweeper looking every second, a lapse of the lease would re-queue the job
                assertThat(row.getLong("lease_left_ms")).as("lease left while it runs").isPositive();
            } else {
                assertThat(status).as("the job is never given back while it runs").isNotEqualTo("pending")
                        .isNotEqualTo("failed");
            }
            assertThat(row.getInteger("attempts")).isLessThanOrEqualTo(1);
            Thread.sleep(100);
            row = state(id);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).as("it ran for more than two leases").isGreaterThan(Duration.ofSeconds(7));
        assertThat(owners).as("one claim the whole time").hasSize(1);
        assertThat(leaseEnds.size()).as("the heartbeat moved the lease on again and again").isGreaterThanOrEqualTo(4);
        assertThat(row.getInteger("attempts")).isEqualTo(1);
        assertThat(row.getArrayOfStrings("claimed_by")).hasSize(1);
        assertThat(row.getString("lease_owner")).isNull();
        assertThat(slow.runsOf(id)).as("runs of the job").isEqualTo(1);
        assertOutput(id, 64, 48);
    }

    @Test
    void renewalsThatFailForAMomentAreRetriedAndTheJobKeepsItsLease() throws Exception {
        boolean superuser = pool.query("select rolsuper from pg_roles where rolname = current_user").execute()
                .await().atMost(WAIT).iterator().next().getBoolean(0);
        assumeFalse(superuser, "a superuser's privileges cannot be taken away to make renewals fail");
        UUID id = enqueueSlow(6000, 40, 30);
        Row claimed = awaitState(id, r -> r.getString("status").equals("processing"));
        String owner = claimed.getString("lease_owner");
        Thread.sleep(500);
        // for 1.4 s (longer than a heartbeat) every update of the table fails, as if the database were away
        pool.query("revoke update on conversions from current_user").execute().await().atMost(WAIT);
        long stalledFrom;
        long maxStall;
        try {
            Thread.sleep(100); // a renewal already past its privilege check may still land
            stalledFrom = state(id).getLong("lease_end_ms");
            Thread.sleep(1300);
            maxStall = state(id).getLong("lease_end_ms");
        } finally {
            pool.query("grant update on conversions to current_user").execute().await().atMost(WAIT);
        }
        assertThat(maxStall).as("no renewal got through while updates failed").isEqualTo(stalledFrom);
        // a retry renews it soon after, before it runs out (the sweeper looks every second)
        Row renewed = awaitState(id, r -> r.getString("status").equals("completed")
                || r.getLong("lease_end_ms") > stalledFrom);
        assertThat(renewed.getString("lease_owner")).isIn(owner, null);
        Row done = awaitState(id, r -> r.getString("status").equals("completed"));
        assertThat(done.getInteger("attempts")).isEqualTo(1);
        assertThat(done.getArrayOfStrings("claimed_by")).hasSize(1);
        assertThat(slow.runsOf(id)).isEqualTo(1);
        assertOutput(id, 40, 30);
    }

    @Test
    void aRunWhoseClaimWasTakenOverDoesNotRenewItNorStoreItsResult() throws Exception {
        UUID id = enqueueSlow(3000, 64, 48);
        Row row = awaitState(id, r -> r.getString("status").equals("processing"));
        // what recovery and another replica's claim leave after this replica's lease lapsed (a long
        // pause): the row is that replica's, under its own token
        String other = "other-replica/" + UUID.randomUUID();
        pool.preparedQuery("""
                        update conversions set lease_owner = $2, lease_until = now() + interval '1 minute',
                            attempts = attempts + 1, claimed_by = array_append(claimed_by, 'other-replica')
                        where id = $1 and status = 'processing'""")
                .execute(Tuple.of(id, other)).await().atMost(WAIT);
        long otherLeaseEnd = state(id).getLong("lease_end_ms");

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (slow.storedOf(id) == null) {
            if (System.nanoTime() > deadline) {
                fail("the slow run did not end within 20 s");
            }
            Thread.sleep(50);
        }
        assertThat(slow.storedOf(id)).as("the first run's result was stored").isFalse();
        row = state(id);
        assertThat(row.getString("status")).isEqualTo("processing");
        assertThat(row.getString("lease_owner")).as("the heartbeat left the other claim alone").isEqualTo(other);
        assertThat(row.getLong("lease_end_ms")).isEqualTo(otherLeaseEnd);

        // the replica that holds it now records its own result
        ConversionQueue.Claimed theirs = new ConversionQueue.Claimed(id, other, SlowWorkHandler.KIND, "{}", null,
                "none", 2);
        EngineResult result = new EngineResult(TestImages.png(32, 24), ImageFormat.PNG, 32, 24);
        assertThat(queue.complete(theirs, result, null).await().atMost(WAIT)).isTrue();
        assertOutput(id, 32, 24);
        assertThat(slow.runsOf(id)).isEqualTo(1);
    }

    private UUID enqueueSlow(long millis, int width, int height) {
        UUID id = UUID.randomUUID();
        String params = "{\"millis\":" + millis + ",\"width\":" + width + ",\"height\":" + height + "}";
        queue.enqueueWork(List.of(new ConversionQueue.NewWork(id, "anon:127.0.0.1", SlowWorkHandler.KIND, params,
                null, "none", 0, "png", null, null)), tx -> Uni.createFrom().voidItem()).await().atMost(WAIT);
        return id;
    }

    private void assertOutput(UUID id, int width, int height) throws Exception {
        Row row = state(id);
        assertThat(row.getString("status")).isEqualTo("completed");
        assertThat(row.getInteger("output_width")).isEqualTo(width);
        byte[] png = blobs.get(id, BlobStore.Role.OUTPUT).await().atMost(WAIT).data();
        assertThat(Magic.matches(ImageFormat.PNG, png)).isTrue();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(width);
        assertThat(image.getHeight()).isEqualTo(height);
    }

    private Row awaitState(UUID id, java.util.function.Predicate<Row> until) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Row row = state(id);
        while (!until.test(row)) {
            if (System.nanoTime() > deadline) {
                fail("row " + id + " did not reach the state: " + row.toJson());
            }
            Thread.sleep(20);
            row = state(id);
        }
        return row;
    }

    private Row state(UUID id) {
        return pool.preparedQuery("""
                        select status, lease_owner, attempts, claimed_by, output_width,
                            (extract(epoch from lease_until) * 1000)::bigint as lease_end_ms,
                            (extract(epoch from lease_until - now()) * 1000)::bigint as lease_left_ms
                        from conversions where id = $1""")
                .execute(Tuple.of(id)).await().atMost(WAIT).iterator().next();
    }
}
