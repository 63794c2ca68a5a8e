package dev.pixmill.tasks;

import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.jobs.ConversionQueue;
import dev.pixmill.jobs.ImageConversionHandler;
import dev.pixmill.jobs.QueueSweeper;
import dev.pixmill.security.Tokens;
import dev.pixmill.storage.BlobStore;
import dev.pixmill.support.Magic;
import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.pixmill.support.Tasks.PATH;
import static dev.pixmill.support.Tasks.createKey;
import static dev.pixmill.support.Tasks.upload;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * This replica runs no conversions (an API-only replica), and its watchers re-read only on
 * NOTIFY (the safety re-read is 10 minutes away): whatever a sync waiter learns comes from
 * another replica's claim, through the database. Its links use the configured public base URL.
 */
@QuarkusTest
@TestProfile(TasksReplicaTest.ApiOnlyReplica.class)
class TasksReplicaTest {

    public static class ApiOnlyReplica implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pixmill.jobs.worker-enabled", "false",
                    "pixmill.jobs.status-recheck", "10M",
                    "pixmill.tasks.sync-wait", "8s",
                    // the sync wait ends 2 s before the request deadline: after 5 s here
                    "pixmill.http.request-timeout", "7s",
                    "pixmill.http.public-base-url", PUBLIC_BASE + "/");
        }
    }

    static final String PUBLIC_BASE = "https://img.example.com/pixmill";

    @Inject
    Pool pool;

    @Inject
    ConversionQueue queue;

    @Inject
    QueueSweeper sweeper;

    @Inject
    ImageEngine engine;

    @Inject
    BlobStore blobs;

    @Inject
    ImageConversionHandler conversions;

    @Test
    void aSyncTaskWhoseWorkerDiesIsFinishedByAnotherReplica() throws Exception {
        String key = createKey("replicas");
        CompletableFuture<JsonPath> waiting = CompletableFuture.supplyAsync(() -> upload(key, "a.png",
                TestImages.png(320, 240), "image/png").multiPart("sync", "1").multiPart("width", "160")
                .post(PATH).then().statusCode(200).extract().jsonPath().setRootPath("data"));
        UUID id = awaitPendingRow(ownerOf(key));

        // a replica claims it and dies: its lease runs out and the sweeper puts the task back
        pool.preparedQuery("""
                        update conversions set status = 'processing', progress = 10, lease_owner = 'dead-replica',
                            lease_until = now() - interval '1 second', attempts = 1, started_at = now()
                        where id = $1 and status = 'pending'""")
                .execute(Tuple.of(id)).await().indefinitely();
        assertThat(sweeper.recoverLeases().await().indefinitely()).isGreaterThanOrEqualTo(1);
        assertThat(waiting).as("still waiting after the requeue").isNotDone();

        // another replica claims it and finishes it
        ConversionQueue.Claimed claim = claimThis(id);
        byte[] input = blobs.get(id, BlobStore.Role.INPUT).await().indefinitely().data();
        EngineResult result = engine.convert(input, conversions.params(claim).toSpec(Duration.ofSeconds(30)));
        assertThat(queue.complete(claim, result, Tokens.downloadToken()).await().indefinitely()).isTrue();
        long completed = System.nanoTime();

        JsonPath task = waiting.get(30, TimeUnit.SECONDS);
        Duration afterCompletion = Duration.ofNanos(System.nanoTime() - completed);
        assertThat(task.getInt("state")).as(task.prettify()).isEqualTo(1);
        assertThat(task.getString("task_id")).isEqualTo(id.toString());
        // the NOTIFY woke it (had the sync wait run out first, it would have answered state 2 or 3)
        assertThat(afterCompletion).isLessThan(Duration.ofSeconds(2));
        String url = task.getString("image");
        assertThat(url).startsWith(PUBLIC_BASE + "/api/v1/download/");
        byte[] image = given().get(url.substring(PUBLIC_BASE.length())).then().statusCode(200).extract().asByteArray();
        assertThat(Magic.matches(ImageFormat.PNG, image)).isTrue();
        assertThat(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(image)).getWidth()).isEqualTo(160);
        assertThat(attemptsOf(id)).isEqualTo(2);
    }

    @Test
    void aSyncTaskThatDoesNotEndInTimeAnswersItsCurrentStateBeforeTheRequestDeadline() {
        String key = createKey("patient");
        long started = System.nanoTime();
        JsonPath answer = upload(key, "a.png", TestImages.png(32, 32), "image/png").multiPart("sync", "1")
                .post(PATH).then().statusCode(200).extract().jsonPath();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(4500)).isLessThan(Duration.ofSeconds(7));
        assertThat(answer.getInt("status")).isEqualTo(200);
        JsonPath task = answer.setRootPath("data");
        assertThat(task.getInt("state")).isEqualTo(2);
        assertThat(task.getInt("progress")).isZero();
        assertThat(task.getString("image")).isNull();
        assertThat(task.get("processed_at") == null).isTrue();
        assertThat(task.getLong("created_at")).isPositive();
        // left pending: a replica with a worker (a later test class) runs it
    }

    private UUID awaitPendingRow(String owner) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            var rows = pool.preparedQuery("select id from conversions where owner = $1 and kind = 'imgcompress'")
                    .execute(Tuple.of(owner)).await().indefinitely();
            if (rows.size() > 0) {
                return rows.iterator().next().getUUID(0);
            }
            Thread.sleep(20);
        }
        return fail("the task was not queued");
    }

    /** Claims as "another replica" until this task is among the claims; anything else is given back. */
    private ConversionQueue.Claimed claimThis(UUID id) {
        for (int round = 0; round < 20; round++) {
            List<ConversionQueue.Claimed> claimed = queue.claim("other-replica", 50).await().indefinitely();
            ConversionQueue.Claimed mine = null;
            for (ConversionQueue.Claimed c : claimed) {
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
        return fail("task " + id + " could not be claimed");
    }

    private String ownerOf(String apiKey) {
        return "key:" + pool.preparedQuery("select id from api_keys where key_hash = $1")
                .execute(Tuple.of(Tokens.sha256(apiKey))).await().indefinitely().iterator().next().getUUID(0);
    }

    private int attemptsOf(UUID id) {
        return pool.preparedQuery("select attempts from conversions where id = $1").execute(Tuple.of(id))
                .await().indefinitely().iterator().next().getInteger(0);
    }
}
