package dev.pixmill.tasks;

import dev.pixmill.accounts.CreditLedger;
import dev.pixmill.jobs.ConversionQueue;
import dev.pixmill.jobs.QueueSweeper;
import dev.pixmill.support.Accounts;
import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.pixmill.support.Tasks.PATH;
import static dev.pixmill.support.Tasks.awaitEnd;
import static dev.pixmill.support.Tasks.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * imgcompress tasks pay with credits: 1 (longest side up to 4096 px) or 2, held when the task is
 * queued and given back when it fails, whichever path fails it; a key that is short gets a 402 in
 * the dialect's envelope and nothing is queued.
 */
@QuarkusTest
class TaskCreditsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    @Inject
    CreditLedger ledger;

    @Inject
    ConversionQueue queue;

    @Inject
    QueueSweeper sweeper;

    @Test
    void aSuccessCostsOneCreditAndALargeInputTwo() {
        JsonPath created = Accounts.createKey("payer", "free", 5);
        String id = created.getString("id");
        String key = created.getString("key");

        JsonPath small = upload(key, "photo.png", TestImages.png(640, 480), "image/png").multiPart("sync", "1")
                .post(PATH).then().statusCode(200).extract().jsonPath().setRootPath("data");
        assertThat(small.getInt("state")).as(small.prettify()).isEqualTo(1);
        assertThat(Accounts.balance(id)).isEqualTo(4);

        String large = upload(key, "wide.png", TestImages.png(5000, 10), "image/png").post(PATH)
                .then().statusCode(200).extract().path("data.task_id");
        assertThat(awaitEnd(key, large).getInt("state")).isEqualTo(1);
        assertThat(Accounts.balance(id)).isEqualTo(2);

        List<Map<String, Object>> entries = Accounts.ledger(id);
        assertThat(entries).extracting(e -> e.get("kind")).containsExactly("charge", "charge", "grant");
        assertThat(entries.get(0)).containsEntry("amount", -2).containsEntry("balance_after", 2)
                .containsEntry("subject_id", large).containsEntry("reason", "imgcompress 5000x10");
        assertThat(entries.get(1)).containsEntry("amount", -1).containsEntry("balance_after", 4)
                .containsEntry("subject_id", small.getString("task_id")).containsEntry("reason", "imgcompress 640x480");
    }

    @Test
    void aTaskThatFailsInTheWorkerIsRefunded() {
        JsonPath created = Accounts.createKey("unlucky", "free", 3);
        String id = created.getString("id");
        String key = created.getString("key");
        byte[] whole = TestImages.png(600, 400);
        // its header is whole, so it is queued; the pixels are cut, so the worker fails it
        Response answer = upload(key, "cut.png", Arrays.copyOf(whole, whole.length / 2), "image/png").post(PATH);
        answer.then().statusCode(200);
        String task = answer.path("data.task_id");
        JsonPath ended = awaitEnd(key, task);
        assertThat(ended.getInt("state")).as(ended.prettify()).isNegative();

        assertThat(Accounts.balance(id)).isEqualTo(3);
        List<Map<String, Object>> entries = Accounts.ledger(id);
        assertThat(entries).extracting(e -> e.get("kind")).containsExactly("refund", "charge", "grant");
        assertThat(entries.get(0)).containsEntry("amount", 1).containsEntry("balance_after", 3)
                .containsEntry("subject_id", task);
        assertThat((String) entries.get(0).get("reason")).startsWith("imgcompress " + task + " failed: ");
    }

    @Test
    void everyOtherWayATaskEndsWithoutSuccessRefundsItToo() {
        JsonPath created = Accounts.createKey("abandoned", "free", 10);
        UUID keyId = UUID.fromString(created.getString("id"));

        // lease recovery that gives up (its replica died on every try)
        UUID interrupted = chargedTask(keyId, 2, "dead-replica/1", 3, true);
        assertThat(sweeper.recoverLeases().await().atMost(WAIT)).isGreaterThanOrEqualTo(1);
        assertThat(statusOf(interrupted)).isEqualTo("failed");
        assertThat(ledger.balance(keyId).await().atMost(WAIT)).isEqualTo(8 + 2);

        // a failure reported by the replica that holds it
        UUID failing = chargedTask(keyId, 1, "this-replica/1", 1, false);
        var claim = new ConversionQueue.Claimed(failing, "this-replica/1", "imgcompress", null, null, "png", 1);
        assertThat(queue.fail(claim, "processing_failed", "the image could not be processed").await().atMost(WAIT))
                .isTrue();
        assertThat(ledger.balance(keyId).await().atMost(WAIT)).isEqualTo(10);

        // removed before it ended
        UUID removed = chargedTask(keyId, 2, "gone/1", 1, false);
        queue.delete(removed).await().atMost(WAIT);
        assertThat(ledger.balance(keyId).await().atMost(WAIT)).isEqualTo(10);

        List<Map<String, Object>> entries = Accounts.ledger(keyId.toString());
        assertThat(entries.stream().filter(e -> "refund".equals(e.get("kind"))).map(e -> e.get("subject_id")))
                .containsExactlyInAnyOrder(removed.toString(), failing.toString(), interrupted.toString());
        assertThat((String) entries.stream().filter(e -> "refund".equals(e.get("kind"))
                && interrupted.toString().equals(e.get("subject_id"))).findFirst().orElseThrow().get("reason"))
                .endsWith("failed: interrupted");
    }

    @Test
    void aKeyShortOfCreditsGets402InTheEnvelopeAndNothingIsQueued() {
        JsonPath empty = Accounts.createKey("broke", "free", 0);
        upload(empty.getString("key"), "a.png", TestImages.png(64, 64), "image/png").post(PATH)
                .then().statusCode(402).body("status", equalTo(402)).body("data", nullValue())
                .body("message", startsWith("this costs 1 credit and the API key has 0 left"));
        assertThat(conversionsOf(empty.getString("id"))).isZero();

        // one credit left, a task that costs two
        JsonPath one = Accounts.createKey("almost", "free", 1);
        upload(one.getString("key"), "wide.png", TestImages.png(4097, 8), "image/png").multiPart("sync", "1")
                .post(PATH).then().statusCode(402).body("status", equalTo(402))
                .body("message", equalTo("this costs 2 credits and the API key has 1 left"));
        assertThat(conversionsOf(one.getString("id"))).isZero();
        assertThat(Accounts.balance(one.getString("id"))).isEqualTo(1);
        assertThat(Accounts.ledger(one.getString("id"))).extracting(e -> e.get("kind")).containsExactly("grant");
    }

    @Test
    void concurrentTasksRacingForTheLastCreditsChargeExactlyWhatIsThere() throws Exception {
        JsonPath created = Accounts.createKey("racer", "free", 3);
        String id = created.getString("id");
        String key = created.getString("key");
        byte[] png = TestImages.png(48, 48);
        int racers = 8;
        ExecutorService threads = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Response>> answers = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return upload(key, "a.png", png, "image/png").post(PATH);
                }, threads));
            }
            start.countDown();
            List<String> accepted = new ArrayList<>();
            int refused = 0;
            for (CompletableFuture<Response> f : answers) {
                Response r = f.get(60, TimeUnit.SECONDS);
                if (r.statusCode() == 200) {
                    accepted.add(r.path("data.task_id"));
                } else {
                    assertThat(r.statusCode()).as(r.asString()).isEqualTo(402);
                    assertThat(r.<Integer>path("status")).isEqualTo(402);
                    refused++;
                }
            }
            assertThat(accepted).hasSize(3);
            assertThat(refused).isEqualTo(racers - 3);
            for (String task : accepted) {
                assertThat(awaitEnd(key, task).getInt("state")).isEqualTo(1);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(Accounts.balance(id)).isZero();
        assertThat(conversionsOf(id)).isEqualTo(3);
        assertThat(Accounts.ledger(id).stream().filter(e -> "charge".equals(e.get("kind")))).hasSize(3);
    }

    /** A conversion charged like a queued task, running under {@code lease} (run out when {@code expired}). */
    private UUID chargedTask(UUID keyId, int credits, String lease, int attempts, boolean expired) {
        UUID id = UUID.randomUUID();
        pool.withTransaction(tx -> ledger.charge(tx, keyId, List.of(new CreditLedger.Charge(credits, "test task", id)))
                .chain(() -> tx.preparedQuery("""
                                insert into conversions (id, owner, kind, status, params, input_format, input_size,
                                    output_format, progress, lease_owner, lease_until, attempts, started_at, credits)
                                values ($1, $2, 'imgcompress', 'processing', '{}', 'png', 10, 'png', 10, $3,
                                    now() + make_interval(secs => $4), $5, now(), $6)""")
                        .execute(Tuple.from(new Object[] { id, "key:" + keyId, lease, expired ? -1.0 : 600.0, attempts,
                                credits }))))
                .await().atMost(WAIT);
        return id;
    }

    private String statusOf(UUID id) {
        return pool.preparedQuery("select status from conversions where id = $1").execute(Tuple.of(id))
                .await().atMost(WAIT).iterator().next().getString(0);
    }

    private long conversionsOf(String keyId) {
        return pool.preparedQuery("select count(*) from conversions where owner = $1").execute(Tuple.of("key:" + keyId))
                .await().atMost(WAIT).iterator().next().getLong(0);
    }
}
