package dev.pixmill.webhooks;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import dev.pixmill.support.TestImages;
import dev.pixmill.support.WebhookReceiver;
import dev.pixmill.support.WebhookReceiver.Received;
import dev.pixmill.support.WebhookReceiver.Reply;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.pixmill.support.Conversions.awaitEnd;
import static dev.pixmill.support.Webhooks.OPERATOR;
import static dev.pixmill.support.Webhooks.awaitDelivery;
import static dev.pixmill.support.Webhooks.createKey;
import static dev.pixmill.support.Webhooks.deliveries;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

/**
 * Webhooks end to end: real images through the real endpoints, deliveries to a receiver on
 * loopback, every signature checked by the Standard Webhooks reference verifier.
 */
@QuarkusTest
@TestProfile(WebhookTestProfile.class)
class WebhookDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static WebhookReceiver receiver;

    @Inject
    Pool pool;

    @Inject
    WebhookSweeper sweeper;

    @Inject
    WebhookSender sender;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = WebhookReceiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    /** Nothing a test queued is left for later ones (or later test classes, whose servers may reuse the port). */
    @AfterEach
    void failWhatIsLeft() {
        pool.preparedQuery("update webhook_deliveries set state = 'failed', next_attempt_at = null"
                + " where state = 'pending' and url like $1").execute(Tuple.of(receiver.url("/") + "%"))
                .await().indefinitely();
    }

    @Test
    void aCompletedConversionIsSignedAndCarriesItsStatus() throws Exception {
        JsonPath key = createKey("hooks");
        String path = "/done/" + UUID.randomUUID();
        String id = submit(key.getString("key"), TestImages.png(64, 48), path);

        Received hook = receiver.await(path, 1, WAIT).getFirst();
        new Webhook(key.getString("webhook_secret")).verify(hook.body(), hook.headers());
        assertThat(hook.header("webhook-id")).matches("msg_[0-9a-f]{64}");
        assertThat(Long.parseLong(hook.header("webhook-timestamp"))).isBetween(Instant.now().getEpochSecond() - 60,
                Instant.now().getEpochSecond() + 1);
        assertThat(hook.header("webhook-signature")).startsWith("v1,");
        assertThat(hook.header("content-type")).isEqualTo("application/json");

        JsonPath event = JsonPath.from(hook.body());
        assertThat(event.getString("type")).isEqualTo("conversion.completed");
        assertThat(Instant.parse(event.getString("timestamp"))).isBefore(Instant.now().plusSeconds(1));
        Map<String, Object> status = given().header("X-API-Key", key.getString("key"))
                .get("/api/v1/convert/{id}/status", id).then().statusCode(200).extract().jsonPath().getMap("");
        assertThat(event.getMap("data")).isEqualTo(status);
        assertThat(event.getString("data.status")).isEqualTo("completed");
        assertThat(event.getString("data.download_url")).startsWith("/api/v1/download/");

        Map<String, Object> listed = awaitDelivery(key.getString("key"), id, d -> "delivered".equals(d.get("state")), WAIT);
        assertThat(listed).containsEntry("id", hook.header("webhook-id")).containsEntry("type", "conversion.completed")
                .containsEntry("url", receiver.url(path)).containsEntry("attempts", 1)
                .containsEntry("last_status_code", 200).containsEntry("last_response_excerpt", "ok")
                .containsEntry("next_attempt_at", null).containsEntry("last_error", null);
        assertThat(receiver.received(path)).hasSize(1);
    }

    @Test
    void aFailedConversionSendsConversionFailed() throws Exception {
        JsonPath key = createKey("hooks-failed");
        String path = "/failed/" + UUID.randomUUID();
        // a readable header over pixel data that is not there: accepted, then failed by the worker
        String id = submit(key.getString("key"), TestImages.pngBomb(200, 200), path);
        JsonPath ended = awaitEnd(id, Map.of("X-API-Key", key.getString("key")));
        assertThat(ended.getString("status")).isEqualTo("failed");

        Received hook = receiver.await(path, 1, WAIT).getFirst();
        new Webhook(key.getString("webhook_secret")).verify(hook.body(), hook.headers());
        JsonPath event = JsonPath.from(hook.body());
        assertThat(event.getString("type")).isEqualTo("conversion.failed");
        assertThat(event.getString("data.id")).isEqualTo(id);
        assertThat(event.getString("data.status")).isEqualTo("failed");
        assertThat(event.getString("data.error_message")).isEqualTo(ended.getString("error_message")).isNotBlank();
        assertThat(event.getMap("data")).doesNotContainKey("download_url");
    }

    @Test
    void nonTwoHundredsAreRetriedWithBackoffUnderTheSameIdAndBody() throws Exception {
        JsonPath key = createKey("hooks-retry");
        String path = "/flaky/" + UUID.randomUUID();
        receiver.on(path, n -> n <= 3 ? new Reply(500, "down for maintenance", 0) : Reply.ok());
        String id = submit(key.getString("key"), TestImages.png(32, 32), path);

        List<Received> tries = receiver.await(path, 4, WAIT);
        Webhook verifier = new Webhook(key.getString("webhook_secret"));
        for (Received t : tries) {
            verifier.verify(t.body(), t.headers()); // each try signed anew, with its own timestamp
            assertThat(t.header("webhook-id")).isEqualTo(tries.getFirst().header("webhook-id"));
            assertThat(t.body()).isEqualTo(tries.getFirst().body());
        }
        for (int attempt = 1; attempt <= 3; attempt++) {
            double nominal = WebhookTestProfile.BACKOFF_BASE_MS * Math.pow(2, attempt - 1);
            double gap = (tries.get(attempt).atNanos() - tries.get(attempt - 1).atNanos()) / 1e6;
            assertThat(gap).as("wait after try %d", attempt)
                    .isGreaterThanOrEqualTo(nominal * (1 - WebhookTestProfile.JITTER) - 20)
                    .isLessThanOrEqualTo(nominal * (1 + WebhookTestProfile.JITTER) + 1000);
        }
        Map<String, Object> listed = awaitDelivery(key.getString("key"), id, d -> "delivered".equals(d.get("state")), WAIT);
        assertThat(listed).containsEntry("attempts", 4).containsEntry("last_status_code", 200)
                .containsEntry("last_error", null);
        Thread.sleep(500);
        assertThat(receiver.received(path)).hasSize(4);
    }

    @Test
    void afterTheLastTryTheDeliveryFailsAndOnlyAnExcerptOfTheAnswerIsKept() throws Exception {
        JsonPath key = createKey("hooks-exhausted");
        String path = "/broken/" + UUID.randomUUID();
        receiver.on(path, n -> new Reply(503, "é".repeat(100) + "x".repeat(20_000), 0));
        String id = submit(key.getString("key"), TestImages.png(16, 16), path);

        Map<String, Object> listed = awaitDelivery(key.getString("key"), id, d -> "failed".equals(d.get("state")), WAIT);
        assertThat(receiver.received(path)).hasSize(WebhookTestProfile.MAX_ATTEMPTS);
        assertThat(listed).containsEntry("attempts", WebhookTestProfile.MAX_ATTEMPTS)
                .containsEntry("last_status_code", 503).containsEntry("last_error", "the receiver answered 503")
                .containsEntry("next_attempt_at", null);
        assertThat((String) listed.get("last_response_excerpt")).hasSize(256).startsWith("é".repeat(100) + "xxx");
        assertThat(excerptLengthInDatabase(id)).isEqualTo(256);

        // a large 2xx answer is read only in part, and delivered
        String bigPath = "/big/" + UUID.randomUUID();
        receiver.on(bigPath, n -> new Reply(200, "y".repeat(2_000_000), 0));
        String big = submit(key.getString("key"), TestImages.png(16, 16), bigPath);
        Map<String, Object> delivered = awaitDelivery(key.getString("key"), big,
                d -> "delivered".equals(d.get("state")), WAIT);
        assertThat((String) delivered.get("last_response_excerpt")).isEqualTo("y".repeat(256));
    }

    @Test
    void aReceiverThatDoesNotAnswerInTimeIsAFailedTry() throws Exception {
        JsonPath key = createKey("hooks-slow");
        String path = "/slow/" + UUID.randomUUID();
        receiver.on(path, n -> new Reply(200, "too late", 2500));
        String id = submit(key.getString("key"), TestImages.png(16, 16), path);

        Map<String, Object> listed = awaitDelivery(key.getString("key"), id, d -> "failed".equals(d.get("state")), WAIT);
        assertThat(listed).containsEntry("attempts", WebhookTestProfile.MAX_ATTEMPTS)
                .containsEntry("last_error", "no answer within 1 s").containsEntry("last_status_code", null);
        List<Received> tries = receiver.received(path);
        assertThat(tries).hasSize(WebhookTestProfile.MAX_ATTEMPTS);
        double gap = (tries.get(1).atNanos() - tries.get(0).atNanos()) / 1e6;
        // the timeout's clock starts when the sender sends; the receiver notes the first try when it
        // arrives, which on a loaded machine was seen 40 ms later (the gap 1163 ms, not 1205):
        // 150 ms of slack, still far above the ~225 ms a try that did not wait its timeout would give
        assertThat(gap).as("the first try waited for its timeout, then the backoff")
                .isGreaterThanOrEqualTo(1000 + WebhookTestProfile.BACKOFF_BASE_MS * (1 - WebhookTestProfile.JITTER) - 150);
    }

    @Test
    void deliveriesLeftByARestartOrADeadReplicaAreSentByTheTick() throws Exception {
        JsonPath key = createKey("hooks-restart");
        String path = "/leftover/" + UUID.randomUUID();
        String subject = completedConversion(key.getString("key"));
        UUID keyId = UUID.fromString(key.getString("id"));
        // queued before a restart (its NOTIFY heard by nobody); claimed by a replica that died mid-try;
        // held by a replica that is still alive; and one whose last try died with its replica
        String queued = insertDelivery(subject, keyId, receiver.url(path), 0, null, null);
        String orphaned = insertDelivery(subject, keyId, receiver.url(path), 1, "dead-replica/x", -1);
        String held = insertDelivery(subject, keyId, receiver.url(path), 1, "live-replica/y", 3600);
        String lost = insertDelivery(subject, keyId, receiver.url(path), WebhookTestProfile.MAX_ATTEMPTS,
                "dead-replica/z", -1);
        Thread.sleep(500);
        assertThat(receiver.received(path)).as("no NOTIFY, no tick: nothing sent yet").isEmpty();

        sweeper.tick().await().atMost(Duration.ofSeconds(10));
        List<Received> sent = receiver.await(path, 2, WAIT);
        assertThat(sent.stream().map(r -> r.header("webhook-id")).toList()).containsExactlyInAnyOrder(queued, orphaned);
        for (Received r : sent) {
            new Webhook(key.getString("webhook_secret")).verify(r.body(), r.headers());
        }
        awaitState(queued, "delivered");
        awaitState(orphaned, "delivered");
        assertThat(row(orphaned).getInteger("attempts")).isEqualTo(2);
        assertThat(row(held).getString("state")).isEqualTo("pending");
        assertThat(row(held).getInteger("attempts")).as("another replica's lease is respected").isEqualTo(1);
        assertThat(row(lost).getString("state")).isEqualTo("failed");
        assertThat(row(lost).getString("last_error")).contains("stopped before the receiver answered");

        // once the live replica's lease runs out, the delivery is someone else's to send
        pool.preparedQuery("update webhook_deliveries set lease_until = now() - interval '1 second' where id = $1")
                .execute(Tuple.of(held)).await().indefinitely();
        sweeper.tick().await().atMost(Duration.ofSeconds(10));
        receiver.await(path, 3, WAIT);
        awaitState(held, "delivered");
        assertThat(receiver.received(path)).hasSize(3);
    }

    @Test
    void twoSendersRacingNeverSendOneDeliveryTwice() throws Exception {
        JsonPath key = createKey("hooks-race");
        String path = "/race/" + UUID.randomUUID();
        receiver.on(path, n -> new Reply(200, "ok", 20));
        String subject = completedConversion(key.getString("key"));
        UUID keyId = UUID.fromString(key.getString("id"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(insertDelivery(subject, keyId, receiver.url(path), 0, null, null));
        }
        // two replicas (and this one's own sender, woken by the tick) claim from the same rows at once
        ExecutorService replicas = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> rounds = new ArrayList<>();
            for (String replica : List.of("replica-a", "replica-b", "replica-a", "replica-b")) {
                rounds.add(() -> {
                    int sent = 0;
                    for (int n; (n = sender.sendDue(replica, 3).await().atMost(WAIT)) > 0;) {
                        sent += n;
                    }
                    return sent;
                });
            }
            sweeper.tick().await().atMost(WAIT);
            int byRounds = 0;
            for (Future<Integer> f : replicas.invokeAll(rounds)) {
                byRounds += f.get();
            }
            assertThat(byRounds).isPositive();
        } finally {
            replicas.shutdownNow();
        }
        for (String id : ids) {
            awaitState(id, "delivered");
        }
        Thread.sleep(300);
        List<String> received = receiver.received(path).stream().map(r -> r.header("webhook-id")).toList();
        assertThat(received).hasSize(40);
        assertThat(Set.copyOf(received)).isEqualTo(new HashSet<>(ids));
        for (String id : ids) {
            assertThat(row(id).getInteger("attempts")).isEqualTo(1);
        }
    }

    @Test
    void anonymousCallersCannotUseWebhooks() {
        given().multiPart("file", "a.png", TestImages.png(8, 8), "image/png")
                .multiPart("webhook_url", receiver.url("/anon")).post("/api/v1/convert")
                .then().statusCode(401).body("error", equalTo("missing_api_key"))
                .body("message", containsString("webhook secret"));
        given().multiPart("file", "a.png", TestImages.png(8, 8), "image/png")
                .multiPart("webhook_url", receiver.url("/anon")).post("/api/v1/compress")
                .then().statusCode(401).body("error", equalTo("missing_api_key"));
        given().contentType("application/json").body(Map.of("url", receiver.url("/image.png"),
                        "webhook_url", receiver.url("/anon"))).post("/api/v1/convert/url")
                .then().statusCode(401).body("error", equalTo("missing_api_key"));
        given().get("/api/v1/webhooks/deliveries").then().statusCode(401).body("error", equalTo("missing_api_key"));
        given().post("/api/v1/webhooks/secret").then().statusCode(401).body("error", equalTo("missing_api_key"));
        // without webhook_url anonymous conversions work as before
        given().multiPart("file", "a.png", TestImages.png(8, 8), "image/png").post("/api/v1/convert")
                .then().statusCode(202);
        assertThat(receiver.received("/anon")).isEmpty();
    }

    @Test
    void aBadOrRefusedWebhookUrlIsRefusedAtSubmission() {
        String key = createKey("hooks-refused").getString("key");
        for (String url : new String[] { "ftp://example.com/hook", "not a url", "https://", "//example.com/x",
                "https://user:secret@example.com/hook", "https://example.com:99999/", "https://" + "a".repeat(2100) }) {
            upload(key, url).then().statusCode(400).body("error", equalTo("invalid_parameter"))
                    .body("message", containsString("webhook_url"));
        }
        // cloud metadata stays refused even where private addresses are allowed (these tests allow them)
        for (String url : new String[] { "http://169.254.169.254/latest/meta-data", "http://[::ffff:169.254.169.254]/",
                "http://100.100.100.200/" }) {
            upload(key, url).then().statusCode(400).body("error", equalTo("url_not_allowed"))
                    .body("message", containsString("webhook_url"));
        }
        given().header("X-API-Key", key).contentType("application/json")
                .body(Map.of("url", receiver.url("/image.png"), "webhook_url", "http://169.254.169.254/"))
                .post("/api/v1/convert/url").then().statusCode(400).body("error", equalTo("url_not_allowed"));
        assertThat(deliveries(key)).isEmpty();
    }

    @Test
    void aTargetRefusedAtTryTimeIsAFailedTryWithAClearError() throws Exception {
        JsonPath key = createKey("hooks-rebound");
        String subject = completedConversion(key.getString("key"));
        // as if its name had resolved to a public address at submission and to metadata now
        String id = insertDelivery(subject, UUID.fromString(key.getString("id")), "http://169.254.169.254/hook", 0,
                null, null);
        sender.sendDue("test", 100).await().atMost(WAIT);
        Row row = row(id);
        assertThat(row.getInteger("attempts")).isGreaterThanOrEqualTo(1);
        assertThat(row.getString("last_error")).isEqualTo(
                "refused: the webhook URL resolves to a private, local or reserved network address");
        assertThat(row.getInteger("last_status_code")).isNull();
    }

    @Test
    void eachKeyListsOnlyItsOwnDeliveriesNewestFirst() throws Exception {
        String alice = createKey("alice-hooks").getString("key");
        String bob = createKey("bob-hooks").getString("key");
        String path = "/lists/" + UUID.randomUUID();
        String a1 = submit(alice, TestImages.png(8, 8), path);
        awaitDelivery(alice, a1, d -> "delivered".equals(d.get("state")), WAIT);
        String a2 = submit(alice, TestImages.png(8, 8), path);
        String b1 = submit(bob, TestImages.png(8, 8), path);
        awaitDelivery(alice, a2, d -> "delivered".equals(d.get("state")), WAIT);
        awaitDelivery(bob, b1, d -> "delivered".equals(d.get("state")), WAIT);

        assertThat(deliveries(alice).stream().map(d -> d.get("subject_id")).toList()).containsExactly(a2, a1);
        assertThat(deliveries(bob).stream().map(d -> d.get("subject_id")).toList()).containsExactly(b1);
        given().header("X-API-Key", alice).queryParam("limit", 1).get("/api/v1/webhooks/deliveries").then()
                .statusCode(200).body("deliveries.size()", equalTo(1)).body("deliveries[0].subject_id", equalTo(a2));
        for (String limit : new String[] { "0", "101", "lots" }) {
            given().header("X-API-Key", alice).queryParam("limit", limit).get("/api/v1/webhooks/deliveries").then()
                    .statusCode(400).body("error", equalTo("invalid_parameter"));
        }
    }

    @Test
    void secretsAreShownOnceAndRotationReplacesThem() throws Exception {
        JsonPath created = createKey("hooks-rotate");
        String key = created.getString("key");
        String first = created.getString("webhook_secret");
        assertThat(first).matches("whsec_[A-Za-z0-9+/]{43}=");
        given().header("Authorization", OPERATOR).get("/api/admin/keys").then().statusCode(200)
                .body("find { it.id == '" + created.getString("id") + "' }", not(hasKey("webhook_secret")))
                .body("find { it.id == '" + created.getString("id") + "' }.has_webhook_secret", equalTo(true));

        String second = given().header("Authorization", "Bearer " + key).post("/api/v1/webhooks/secret")
                .then().statusCode(200).extract().path("webhook_secret");
        assertThat(second).matches("whsec_[A-Za-z0-9+/]{43}=").isNotEqualTo(first);
        String path = "/rotated/" + UUID.randomUUID();
        submit(key, TestImages.png(8, 8), path);
        Received hook = receiver.await(path, 1, WAIT).getFirst();
        new Webhook(second).verify(hook.body(), hook.headers());
        assertThatThrownBy(() -> new Webhook(first).verify(hook.body(), hook.headers()))
                .isInstanceOf(WebhookVerificationException.class);

        String third = given().header("Authorization", OPERATOR)
                .post("/api/admin/keys/{id}/webhook-secret", created.getString("id"))
                .then().statusCode(200).body("key_id", equalTo(created.getString("id")))
                .extract().path("webhook_secret");
        assertThat(third).isNotEqualTo(second);
        // stored as it is: it has to be read to sign
        assertThat(pool.preparedQuery("select webhook_secret from api_keys where id = $1")
                .execute(Tuple.of(UUID.fromString(created.getString("id")))).await().indefinitely()
                .iterator().next().getString("webhook_secret")).isEqualTo(third);
        given().post("/api/admin/keys/{id}/webhook-secret", created.getString("id")).then().statusCode(401);
        given().header("Authorization", OPERATOR).post("/api/admin/keys/{id}/webhook-secret", UUID.randomUUID())
                .then().statusCode(404);
    }

    @Test
    void aKeyFromBeforeWebhooksMustRotateFirst() throws Exception {
        JsonPath created = createKey("hooks-old");
        String key = created.getString("key");
        pool.preparedQuery("update api_keys set webhook_secret = null where id = $1")
                .execute(Tuple.of(UUID.fromString(created.getString("id")))).await().indefinitely();
        upload(key, receiver.url("/old")).then().statusCode(400).body("error", equalTo("webhook_secret_missing"))
                .body("message", containsString("rotate"));
        given().header("Authorization", OPERATOR).get("/api/admin/keys").then()
                .body("find { it.id == '" + created.getString("id") + "' }.has_webhook_secret", equalTo(false));

        String secret = given().header("X-API-Key", key).post("/api/v1/webhooks/secret")
                .then().statusCode(200).extract().path("webhook_secret");
        String path = "/old/" + UUID.randomUUID();
        submit(key, TestImages.png(8, 8), path);
        Received hook = receiver.await(path, 1, WAIT).getFirst();
        new Webhook(secret).verify(hook.body(), hook.headers());
    }

    @Test
    void aBatchThatEndsQueuesOneJobEventAndItsItemsNone() {
        JsonPath key = createKey("hooks-job");
        UUID keyId = UUID.fromString(key.getString("id"));
        String owner = "key:" + keyId;
        UUID job = UUID.randomUUID();
        String url = receiver.url("/job/" + job);
        pool.preparedQuery("""
                        insert into jobs (id, owner, total_files, base_url, webhook_url, retention_secs)
                        values ($1, $2, 2, 'http://localhost', $3, 3600)""")
                .execute(Tuple.of(job, owner, url)).await().indefinitely();
        List<UUID> items = List.of(UUID.randomUUID(), UUID.randomUUID());
        for (int i = 0; i < items.size(); i++) {
            pool.preparedQuery("""
                            insert into conversions (id, owner, status, params, input_format, input_size, output_format,
                                job_id, job_position, webhook_url)
                            values ($1, $2, 'processing', '{}', 'png', 10, 'webp', $3, $4, $5)""")
                    .execute(Tuple.of(items.get(i), owner, job, i, url)).await().indefinitely();
        }
        pool.preparedQuery("update conversions set status = 'completed' where id = $1")
                .execute(Tuple.of(items.get(0))).await().indefinitely();
        assertThat(deliveriesAbout(job)).isZero();
        pool.preparedQuery("update conversions set status = 'failed' where id = $1")
                .execute(Tuple.of(items.get(1))).await().indefinitely();

        Row event = pool.preparedQuery("select * from webhook_deliveries where subject_id = $1")
                .execute(Tuple.of(job)).await().indefinitely().iterator().next();
        assertThat(event.getString("type")).isEqualTo("job.completed");
        assertThat(event.getString("owner")).isEqualTo(owner);
        assertThat(event.getUUID("key_id")).isEqualTo(keyId);
        assertThat(event.getString("url")).isEqualTo(url);
        assertThat(event.getString("id")).matches("msg_[0-9a-f]{64}");
        assertThat(deliveriesAbout(job)).isEqualTo(1);
        for (UUID item : items) {
            assertThat(deliveriesAbout(item)).as("items of a batch have no events of their own").isZero();
        }
        // the job ends once: touching its status again queues nothing more
        pool.preparedQuery("update jobs set status = 'completed' where id = $1").execute(Tuple.of(job))
                .await().indefinitely();
        assertThat(deliveriesAbout(job)).isEqualTo(1);
    }

    @Test
    void aBatchSendsOneSignedJobEventWithTheJobDocument() throws Exception {
        JsonPath key = createKey("hooks-batch");
        String apiKey = key.getString("key");
        String path = "/batch/" + UUID.randomUUID();
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        files.put("a.png", TestImages.png(64, 48));
        files.put("b.txt", "not an image".getBytes());
        String jobId = dev.pixmill.support.Batches.upload(files).header("X-API-Key", apiKey)
                .multiPart("output_format", "webp").multiPart("webhook_url", receiver.url(path))
                .post("/api/v1/convert/batch").then().statusCode(202).extract().path("job_id");

        Received hook = receiver.await(path, 1, WAIT).getFirst();
        new Webhook(key.getString("webhook_secret")).verify(hook.body(), hook.headers());
        JsonPath event = JsonPath.from(hook.body());
        assertThat(event.getString("type")).isEqualTo("job.completed");
        Map<String, Object> job = given().header("X-API-Key", apiKey).get("/api/v1/jobs/{id}", jobId)
                .then().statusCode(200).extract().jsonPath().getMap("");
        assertThat(event.getMap("data")).isEqualTo(job);
        assertThat(event.getString("data.items[0].download_url")).startsWith("http://localhost:");
        assertThat(event.getList("data.items.status")).containsExactly("completed", "failed");
        // the items themselves send nothing
        Thread.sleep(300);
        assertThat(receiver.received(path)).hasSize(1);

        String failedPath = "/batch-failed/" + UUID.randomUUID();
        dev.pixmill.support.Batches.upload(Map.of("x.txt", "text".getBytes())).header("X-API-Key", apiKey)
                .multiPart("webhook_url", receiver.url(failedPath)).post("/api/v1/convert/batch")
                .then().statusCode(202);
        Received failed = receiver.await(failedPath, 1, WAIT).getFirst();
        new Webhook(key.getString("webhook_secret")).verify(failed.body(), failed.headers());
        assertThat(JsonPath.from(failed.body()).getString("type")).isEqualTo("job.failed");
        assertThat(JsonPath.from(failed.body()).getInt("data.failed_files")).isEqualTo(1);
        // anonymous batches cannot ask for one
        dev.pixmill.support.Batches.upload(Map.of("a.png", TestImages.png(8, 8)))
                .multiPart("webhook_url", receiver.url(failedPath)).post("/api/v1/convert/batch")
                .then().statusCode(401);
        given().contentType("application/json").body(Map.of("urls", List.of("http://127.0.0.1:1/a.png"),
                "webhook_url", receiver.url(failedPath))).post("/api/v1/convert/url/batch").then().statusCode(401);
    }

    @Test
    void theOpenApiDocumentDescribesTheWebhookEndpoints() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("\"/api/v1/webhooks/deliveries\""))
                .body(containsString("\"/api/v1/webhooks/secret\""))
                .body(containsString("\"/api/admin/keys/{id}/webhook-secret\""))
                .body("components.schemas.ConvertForm.properties.webhook_url.description", containsString("signed"));
    }

    // ---- steps -------------------------------------------------------------------------------------

    private static io.restassured.response.Response upload(String key, String webhookUrl) {
        return given().header("X-API-Key", key).multiPart("file", "a.png", TestImages.png(8, 8), "image/png")
                .multiPart("webhook_url", webhookUrl).post("/api/v1/convert");
    }

    private static String submit(String key, byte[] png, String path) {
        return given().header("Authorization", "Bearer " + key).multiPart("file", "pic.png", png, "image/png")
                .multiPart("output_format", "webp").multiPart("webhook_url", receiver.url(path))
                .post("/api/v1/convert").then().statusCode(202).extract().path("id");
    }

    /** A conversion of the key that has completed, with no webhook of its own. */
    private static String completedConversion(String key) {
        String id = given().header("X-API-Key", key).multiPart("file", "pic.png", TestImages.png(8, 8), "image/png")
                .post("/api/v1/convert").then().statusCode(202).extract().path("id");
        assertThat(awaitEnd(id, Map.of("X-API-Key", key)).getString("status")).isEqualTo("completed");
        return id;
    }

    /** A delivery row as a trigger writes it, optionally claimed by another sender (lease in seconds from now). */
    private String insertDelivery(String subject, UUID keyId, String url, int attempts, String leaseOwner,
            Integer leaseFromNow) {
        String id = "msg_test" + UUID.randomUUID().toString().replace("-", "");
        pool.preparedQuery("""
                        insert into webhook_deliveries (id, type, subject_id, owner, key_id, url, attempts,
                            lease_owner, lease_until)
                        values ($1, 'conversion.completed', $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))""")
                .execute(Tuple.from(new Object[] { id, UUID.fromString(subject), "key:" + keyId, keyId, url, attempts,
                        leaseOwner, leaseFromNow }))
                .await().indefinitely();
        return id;
    }

    private Row row(String id) {
        return pool.preparedQuery("select * from webhook_deliveries where id = $1").execute(Tuple.of(id))
                .await().indefinitely().iterator().next();
    }

    private void awaitState(String id, String state) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!state.equals(row(id).getString("state"))) {
            assertThat(System.nanoTime()).as("delivery %s never became %s", id, state).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private long deliveriesAbout(UUID subject) {
        return pool.preparedQuery("select count(*) from webhook_deliveries where subject_id = $1")
                .execute(Tuple.of(subject)).await().indefinitely().iterator().next().getLong(0);
    }

    private int excerptLengthInDatabase(String subject) {
        return pool.preparedQuery("select char_length(response_excerpt) from webhook_deliveries where subject_id = $1")
                .execute(Tuple.of(UUID.fromString(subject))).await().indefinitely().iterator().next().getInteger(0);
    }
}
