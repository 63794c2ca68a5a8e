package dev.pixmill.generate;

import dev.pixmill.jobs.ConversionQueue;
import dev.pixmill.jobs.QueueSweeper;
import dev.pixmill.jobs.WorkOutcome;
import dev.pixmill.security.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.pixmill.support.Generation.createKey;
import static dev.pixmill.support.Generation.decode;
import static dev.pixmill.support.Generation.fetch;
import static dev.pixmill.support.Generation.idOf;
import static dev.pixmill.support.Generation.urls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * This replica makes no images (an API-only replica: its worker is off) and its waiting GETs
 * re-read only on NOTIFY (the safety re-read is 10 minutes away): an image it serves was made by
 * "another replica" (the test, through the queue and the handler), and the wait learnt of it
 * through the database. The wait is 4 s.
 */
@QuarkusTest
@TestProfile(GenerationWaitTest.ApiOnlyReplica.class)
class GenerationWaitTest {

    public static class ApiOnlyReplica implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pixmill.jobs.worker-enabled", "false",
                    "pixmill.jobs.status-recheck", "10M",
                    "pixmill.generate.wait", WAIT.toSeconds() + "s",
                    "pixmill.generate.retry-after", "7s");
        }
    }

    static final Duration WAIT = Duration.ofSeconds(4);

    @Inject
    Pool pool;

    @Inject
    ConversionQueue queue;

    @Inject
    QueueSweeper sweeper;

    @Inject
    GenerationHandler handler;

    @Inject
    RecordingCharges charges;

    @Test
    void theAnswerComesBeforeTheImageAndAGetWaitsThenAnswers503WithRetryAfter() {
        String key = createKey("patient");
        long posted = System.nanoTime();
        String url = urls(key, Map.of("prompt", "a slow sunrise")).getFirst();
        assertThat(Duration.ofNanos(System.nanoTime() - posted)).isLessThan(WAIT);
        assertThat(statusOf(idOf(url))).isEqualTo("pending");

        long started = System.nanoTime();
        Response answer = fetch(url);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).isEqualTo("7");
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(answer.jsonPath().getString("error")).isEqualTo("not_ready");
        assertThat(answer.jsonPath().getString("message")).isEqualTo("the image is not ready yet; retry in 7 s");
        assertThat(took).isGreaterThanOrEqualTo(WAIT.minusMillis(100)).isLessThan(WAIT.plusSeconds(3));
        // left pending: a replica with a worker (a later test class) makes it
    }

    @Test
    void aWaitingGetIsAnsweredAsSoonAsAnotherReplicaHasMadeTheImage() throws Exception {
        String key = createKey("waiting");
        String url = urls(key, Map.of("prompt", "a hot air balloon", "style", "anime", "size", "768x1344")).getFirst();
        CompletableFuture<Response> waiting = CompletableFuture.supplyAsync(() -> fetch(url));
        Thread.sleep(300);
        assertThat(waiting).as("the GET waits for the image").isNotDone();

        ConversionQueue.Claimed claim = claimThis(rowOf(idOf(url)), "other-replica");
        WorkOutcome outcome = handler.run(claim).await().atMost(Duration.ofSeconds(30));
        assertThat(outcome).isInstanceOf(WorkOutcome.Completed.class);
        assertThat(queue.complete(claim, ((WorkOutcome.Completed) outcome).result(), Tokens.downloadToken())
                .await().indefinitely()).isTrue();
        long completed = System.nanoTime();

        Response answer = waiting.get(20, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        // the NOTIFY woke it (had the wait run out first, it would have answered 503)
        assertThat(Duration.ofNanos(System.nanoTime() - completed)).isLessThan(Duration.ofSeconds(2));
        BufferedImage image = decode(answer.asByteArray());
        assertThat(image.getWidth()).isEqualTo(768);
        assertThat(image.getHeight()).isEqualTo(1344);
        // the token given at submission is the image's id still
        assertThat(fetch(url).then().statusCode(200).extract().asByteArray()).isEqualTo(answer.asByteArray());
    }

    @Test
    void anImageWhoseReplicaDiedIsMadeByAnotherOne() {
        String key = createKey("replicas");
        String url = urls(key, Map.of("prompt", "a lighthouse", "style", "isometric")).getFirst();
        UUID id = rowOf(idOf(url));
        claimThis(id, "dying-replica");
        // it died holding the image: its lease runs out and the sweeper gives the job back
        pool.preparedQuery("update conversions set lease_until = now() - interval '1 second' where id = $1")
                .execute(Tuple.of(id)).await().indefinitely();
        assertThat(sweeper.recoverLeases().await().indefinitely()).isGreaterThanOrEqualTo(1);
        assertThat(statusOf(idOf(url))).isEqualTo("pending");

        ConversionQueue.Claimed claim = claimThis(id, "live-replica");
        assertThat(claim.attempts()).isEqualTo(2);
        WorkOutcome.Completed done = (WorkOutcome.Completed) handler.run(claim).await().atMost(Duration.ofSeconds(30));
        assertThat(queue.complete(claim, done.result(), Tokens.downloadToken()).await().indefinitely()).isTrue();
        BufferedImage image = decode(fetch(url).then().statusCode(200).contentType("image/jpeg").extract().asByteArray());
        assertThat(image.getWidth()).isEqualTo(1024);
    }

    @Test
    void anImageThatKeepsKillingItsReplicasIsFailedAndRefunded() {
        String key = createKey("doomed");
        String url = urls(key, Map.of("prompt", "a cursed vase", "model", "standard", "numImages", 2)).getFirst();
        UUID id = rowOf(idOf(url));
        claimThis(id, "dying-replica");
        pool.preparedQuery("update conversions set attempts = 3, lease_until = now() - interval '1 second' where id = $1")
                .execute(Tuple.of(id)).await().indefinitely();
        sweeper.recoverLeases().await().indefinitely();
        Response error = fetch(url);
        assertThat(error.statusCode()).isEqualTo(500);
        assertThat(error.jsonPath().getString("error")).isEqualTo("generation_failed");
        assertThat(error.jsonPath().getString("message")).contains("interrupted 3 times");
        // refunded once, by the trigger on the failed row, in the sweeper's transaction
        String keyId = pool.preparedQuery("select owner from conversions where id = $1").execute(Tuple.of(id))
                .await().indefinitely().iterator().next().getString("owner").substring("key:".length());
        assertThat(dev.pixmill.support.Accounts.ledger(keyId))
                .filteredOn(e -> "refund".equals(e.get("kind")) && id.toString().equals(e.get("subject_id")))
                .singleElement().satisfies(e -> {
                    assertThat(e.get("amount")).isEqualTo(1);
                    assertThat((String) e.get("reason")).endsWith("failed: interrupted");
                });
    }

    /** Claims generation work as a replica until this row is among the claims; anything else is given back. */
    private ConversionQueue.Claimed claimThis(UUID id, String replica) {
        for (int round = 0; round < 50; round++) {
            ConversionQueue.Claimed mine = null;
            for (ConversionQueue.Claimed c : queue.claim(replica, 50,
                    ConversionQueue.KindFilter.only(Set.of(GenerationHandler.KIND))).await().indefinitely()) {
                assertThat(c.kind()).isEqualTo("generate");
                if (c.id().equals(id)) {
                    mine = c;
                } else {
                    queue.release(c).await().indefinitely();
                }
            }
            if (mine != null) {
                return mine;
            }
        }
        return fail("image " + id + " could not be claimed");
    }

    private UUID rowOf(String imageId) {
        return pool.preparedQuery("select id from conversions where download_token = $1").execute(Tuple.of(imageId))
                .await().indefinitely().iterator().next().getUUID(0);
    }

    private String statusOf(String imageId) {
        return pool.preparedQuery("select status from conversions where download_token = $1")
                .execute(Tuple.of(imageId)).await().indefinitely().iterator().next().getString(0);
    }
}
