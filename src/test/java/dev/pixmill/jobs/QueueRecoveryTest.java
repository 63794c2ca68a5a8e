package dev.pixmill.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.support.Magic;
import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.pixmill.support.Conversions.awaitEnd;
import static dev.pixmill.support.Conversions.download;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** A replica that dies loses no job; expired results disappear with their bytes. */
@QuarkusTest
class QueueRecoveryTest {


    @Inject
    Pool pool;

    @Inject
    QueueSweeper sweeper;

    @Inject
    ObjectMapper json;

    @Inject
    ConversionQueue queue;

    @Test
    void jobOfADeadReplicaIsRequeuedAndCompleted() throws Exception {
        UUID id = insertClaimedByDeadReplica(1);
        // nothing happens while the dead replica's lease is (nominally) valid...
        assertThat(statusOf(id)).isEqualTo("processing");
        expireLease(id);
        assertThat(sweeper.recoverLeases().await().indefinitely()).isGreaterThanOrEqualTo(1);

        JsonPath status = awaitEnd(id.toString(), Map.of());
        assertThat(status.getString("status")).isEqualTo("completed");
        assertThat(status.getInt("width")).isEqualTo(100);
        assertThat(Magic.matches(ImageFormat.WEBP, download(status))).isTrue();
        assertThat(attemptsOf(id)).isEqualTo(2);
    }

    @Test
    void jobThatKeepsKillingReplicasIsFailedNotRetriedForever() throws Exception {
        UUID id = insertClaimedByDeadReplica(3);
        expireLease(id);
        sweeper.recoverLeases().await().indefinitely();
        JsonPath status = awaitEnd(id.toString(), Map.of());
        assertThat(status.getString("status")).isEqualTo("failed");
        assertThat(status.getString("error_message")).contains("interrupted 3 times");
    }

    @Test
    void expiredResultsArePurgedWithTheirBytes() {
        String id = given().multiPart("file", "a.png", TestImages.png(32, 32), "image/png").post("/api/v1/convert")
                .then().statusCode(202).extract().path("id");
        JsonPath status = awaitEnd(id);
        given().get(status.getString("download_url")).then().statusCode(200);

        pool.preparedQuery("update conversions set expires_at = now() - interval '1 second' where id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().indefinitely();
        // expired but not yet purged: already gone for clients; the bytes stay a short grace, so a
        // download that started just before the expiry can finish
        given().get(status.getString("download_url")).then().statusCode(404);
        given().get("/api/v1/convert/{id}/status", id).then().statusCode(404);
        sweeper.purgeExpired().await().indefinitely();
        assertThat(rowsOf(id)).isEqualTo(2);

        pool.preparedQuery("update conversions set expires_at = now() - interval '11 minutes' where id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().indefinitely();
        assertThat(sweeper.purgeExpired().await().indefinitely()).isGreaterThanOrEqualTo(1);
        assertThat(rowsOf(id)).isZero();
    }

    /** The conversion row and its blobs. */
    private long rowsOf(String id) {
        return pool.preparedQuery("select (select count(*) from conversions where id = $1)"
                + " + (select count(*) from blobs where conversion_id = $1)")
                .execute(Tuple.of(UUID.fromString(id))).await().indefinitely().iterator().next().getLong(0);
    }

    @Test
    void leasesAreRenewedOnlyByTheirHolder() throws Exception {
        UUID id = insertClaimedByDeadReplica(1);
        String params = json.writeValueAsString(new ConversionParams(ImageFormat.PNG, 80, null, null, false, false,
                new ImageLimits(20 << 20, 8000, 8000, 64, true)));
        assertThat(queue.renew(List.of(new ConversionQueue.Claimed(id, "someone-else", "convert", params, null, "png", 1)))
                .await().indefinitely()).isEmpty();
        assertThat(queue.renew(List.of(new ConversionQueue.Claimed(id, "dead-replica", "convert", params, null, "png", 1)))
                .await().indefinitely()).containsExactly(id);
        long secondsLeft = pool.preparedQuery("select extract(epoch from lease_until - now())::bigint from conversions"
                + " where id = $1").execute(Tuple.of(id)).await().indefinitely().iterator().next().getLong(0);
        assertThat(secondsLeft).isGreaterThan(12); // from 10 s to a whole lease (15 s)
        expireLease(id);
        sweeper.recoverLeases().await().indefinitely();
        awaitEnd(id.toString(), Map.of());
    }

    @Test
    void aClaimTakenOverAfterItsLeaseRanOutIsNeitherRenewedNorOverwrittenByItsOldHolder() throws Exception {
        UUID id = insertClaimedByDeadReplica(1);
        String params = json.writeValueAsString(new ConversionParams(ImageFormat.WEBP, 80, 100, null, false, false,
                new ImageLimits(20 << 20, 8000, 8000, 64, true)));
        var old = new ConversionQueue.Claimed(id, "dead-replica", "convert", params, null, "png", 1);
        expireLease(id);
        sweeper.recoverLeases().await().indefinitely();
        // this replica's worker claims it again at once (the recovery's NOTIFY)
        JsonPath status = awaitEnd(id.toString(), Map.of());
        // the old holder comes back from its pause: its renewal and its late result match nothing
        assertThat(queue.renew(List.of(old)).await().indefinitely()).isEmpty();
        var late = new dev.pixmill.engine.EngineResult(TestImages.png(10, 10), ImageFormat.PNG, 10, 10);
        assertThat(queue.complete(old, late, "late-token").await().indefinitely()).isFalse();
        assertThat(queue.fail(old, "late", "late").await().indefinitely()).isFalse();
        JsonPath after = awaitEnd(id.toString(), Map.of());
        assertThat(status.getString("status")).isEqualTo("completed");
        assertThat(after.getString("status")).isEqualTo("completed");
        assertThat(after.getInt("width")).isEqualTo(100);
        assertThat(Magic.matches(ImageFormat.WEBP, download(after))).isTrue();
        var row = pool.preparedQuery("select claimed_by, lease_owner, download_token from conversions where id = $1")
                .execute(Tuple.of(id)).await().indefinitely().iterator().next();
        assertThat(row.getArrayOfStrings("claimed_by")).hasSize(1); // the dead claim was inserted, not made
        assertThat(row.getString("lease_owner")).isNull();
        assertThat(row.getString("download_token")).isNotEqualTo("late-token");
    }

    @Test
    void anUnreadableJobFailsAloneInsteadOfBlockingTheQueue() {
        UUID broken = UUID.randomUUID();
        pool.preparedQuery("""
                        insert into conversions (id, owner, status, params, input_format, input_size, output_format,
                            created_at)
                        values ($1, 'anon:127.0.0.1', 'pending', '{"output":"NOT_A_FORMAT"}', 'png', 1, 'png',
                            now() - interval '1 day')""")
                .execute(Tuple.of(broken)).await().indefinitely();
        String good = given().multiPart("file", "a.png", TestImages.png(20, 20), "image/png").post("/api/v1/convert")
                .then().statusCode(202).extract().path("id");
        assertThat(awaitEnd(good).getString("status")).isEqualTo("completed");
        JsonPath failed = awaitEnd(broken.toString(), Map.of());
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getString("error_message")).contains("unreadable");
    }

    @Test
    void aLongBacklogIsNeitherHiddenNorPurged() {
        UUID old = UUID.randomUUID();
        // pending for two hours, longer than the retention: still the owner's, still to be done
        pool.preparedQuery("""
                        insert into conversions (id, owner, status, params, input_format, input_size, output_format,
                            created_at)
                        values ($1, 'anon:127.0.0.1', 'processing', '{}', 'png', 1, 'png', now() - interval '2 hours')""")
                .execute(Tuple.of(old)).await().indefinitely();
        sweeper.purgeExpired().await().indefinitely();
        given().get("/api/v1/convert/{id}/status", old.toString()).then().statusCode(200);
        pool.preparedQuery("delete from conversions where id = $1").execute(Tuple.of(old)).await().indefinitely();
    }

    /** What a replica leaves behind when it dies mid-conversion: a processing row with its lease. */
    private UUID insertClaimedByDeadReplica(int attempts) throws Exception {
        UUID id = UUID.randomUUID();
        byte[] input = TestImages.png(200, 150);
        var params = new ConversionParams(ImageFormat.WEBP, 80, 100, null, false, false,
                new ImageLimits(20 << 20, 8000, 8000, 64, true));
        String anonymousOwner = "anon:127.0.0.1";
        String paramsJson = json.writeValueAsString(params);
        pool.withTransaction(tx -> tx.preparedQuery("""
                        insert into conversions (id, owner, status, params, input_filename, input_format, input_size,
                            output_format, attempts, lease_owner, lease_until, started_at)
                        values ($1, $2, 'processing', $3, 'dead.png', 'png', $4, 'webp', $5, 'dead-replica',
                            now() + interval '10 seconds', now())""")
                .execute(Tuple.from(new Object[] { id, anonymousOwner, paramsJson,
                        (long) input.length, attempts }))
                .chain(() -> tx.preparedQuery("insert into blobs (conversion_id, role, content_type, data)"
                        + " values ($1, 'input', 'image/png', $2)").execute(Tuple.of(id, Buffer.buffer(input)))))
                .await().indefinitely();
        return id;
    }

    private void expireLease(UUID id) {
        pool.preparedQuery("update conversions set lease_until = now() - interval '1 second' where id = $1")
                .execute(Tuple.of(id)).await().indefinitely();
    }

    private String statusOf(UUID id) {
        return pool.preparedQuery("select status from conversions where id = $1").execute(Tuple.of(id))
                .await().indefinitely().iterator().next().getString(0);
    }

    private int attemptsOf(UUID id) {
        return pool.preparedQuery("select attempts from conversions where id = $1").execute(Tuple.of(id))
                .await().indefinitely().iterator().next().getInteger(0);
    }
}
