package dev.pixmill.accounts;

import dev.pixmill.security.Caller;
import dev.pixmill.security.KeyLimits;
import dev.pixmill.storage.DatabaseSettings;
import dev.pixmill.support.Batches;
import dev.pixmill.support.Conversions;
import dev.pixmill.support.Pictures;
import dev.pixmill.support.RateLimits;
import dev.pixmill.support.Tasks;
import dev.pixmill.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.pixmill.support.RateLimits.assertLeft;
import static dev.pixmill.support.RateLimits.assertUnlimited;
import static dev.pixmill.support.RateLimits.createKey;
import static dev.pixmill.support.RateLimits.rows;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits set on a key ({@code limits.requests_per_minute}, {@code conversions_per_day}) in every
 * dialect that creates work, under the suite's own raised plan limits: the headers of each
 * answer, the 429 in each dialect's shape, what counts, what is given back, what is never limited,
 * and a second replica counting into the same limit.
 */
@QuarkusTest
class KeyLimitsTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    Pool pool;

    @Inject
    UsageLimits usageLimits;

    @Inject
    DatabaseSettings database;

    @BeforeEach
    void roomInTheMinute() {
        RateLimits.awaitRoomInWindow(pool, 60, 8);
    }

    @Test
    void conversionAnswersCarryTheHeadersAndTheThirdRequestIsRefusedInTheDefaultShape() {
        var key = createKey("free", Map.of("requests_per_minute", 2, "conversions_per_day", 100));
        Response first = upload(key.key(), "/api/v1/convert");
        first.then().statusCode(202);
        assertLeft(first, 2, 1, 100, 99);
        Response second = upload(key.key(), "/api/v1/compress");
        second.then().statusCode(202);
        assertLeft(second, 2, 0, 100, 98);

        Response refused = upload(key.key(), "/api/v1/resize");
        refused.then().statusCode(429).contentType("application/json");
        assertThat(refused.jsonPath().getMap("")).containsOnlyKeys("error", "message");
        assertThat(refused.jsonPath().getString("error")).isEqualTo("rate_limited");
        assertThat(refused.jsonPath().getString("message")).contains("at most 2 per minute for this API key");
        assertLeft(refused, 2, 0, 100, 98);
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 60L).isEqualTo(Long.parseLong(refused.header("X-RateLimit-Reset")));
        given().header("X-API-Key", key.key()).contentType("application/json").body(Map.of("url", base + "x.png"))
                .post("/api/v1/convert/url").then().statusCode(429);
        assertThat(rows(pool, "conversions", key.owner())).as("refusals store nothing").isEqualTo(2);
    }

    @Test
    void aBatchOverTheQuotaIsRefusedWholeBeforeAnythingIsStoredOrFetched() throws Exception {
        var key = createKey("free", Map.of("conversions_per_day", 5));
        Response three = batch(key.key(), 3);
        three.then().statusCode(202);
        assertLeft(three, 1_000_000, 999_999, 5, 2);

        Response over = batch(key.key(), 3);
        over.then().statusCode(429);
        assertThat(over.jsonPath().getString("error")).isEqualTo("quota_exceeded");
        assertThat(over.jsonPath().getString("message"))
                .contains("daily quota of 5 conversions for this API key is used up: 3 used today and this request "
                        + "needs 3").contains("resets at 00:00 UTC");
        long retryAfter = Long.parseLong(over.header("Retry-After"));
        assertThat(retryAfter).isEqualTo(Long.parseLong(over.header("X-Quota-Reset")))
                .isCloseTo(secondsToUtcMidnight(), org.assertj.core.data.Offset.offset(5L));
        assertLeft(over, 1_000_000, 999_999, 5, 2);
        assertThat(rows(pool, "conversions", key.owner())).isEqualTo(3);
        assertThat(rows(pool, "jobs", key.owner())).isEqualTo(1);

        // a URL batch over the quota fetches nothing
        AtomicInteger fetched = new AtomicInteger();
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            byte[] png = TestImages.png(40, 30);
            var server = vertx.createHttpServer().requestHandler(req -> {
                fetched.incrementAndGet();
                req.response().putHeader("Content-Type", "image/png").end(io.vertx.core.buffer.Buffer.buffer(png));
            }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
            String origin = "http://127.0.0.1:" + server.actualPort();
            Response urls = given().header("X-API-Key", key.key()).contentType("application/json")
                    .body(Map.of("urls", List.of(origin + "/a.png", origin + "/b.png", origin + "/c.png")))
                    .post("/api/v1/convert/url/batch");
            urls.then().statusCode(429);
            assertThat(urls.jsonPath().getString("error")).isEqualTo("quota_exceeded");
            assertThat(fetched).hasValue(0);
            // what fits is taken: two URLs, fetched, for the last two of the day
            Response two = given().header("X-API-Key", key.key()).contentType("application/json")
                    .body(Map.of("urls", List.of(origin + "/a.png", origin + "/b.png")))
                    .post("/api/v1/convert/url/batch");
            two.then().statusCode(202);
            assertLeft(two, 1_000_000, 999_998, 5, 0); // the refused two counted nothing
            assertThat(fetched).hasValue(2);
            assertThat(Batches.awaitEnd(two.jsonPath().getString("job_id"), Map.of("X-API-Key", key.key()))
                    .getString("status")).isEqualTo("completed");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
        Response single = upload(key.key(), "/api/v1/convert");
        single.then().statusCode(429);
        assertThat(single.jsonPath().getString("error")).isEqualTo("quota_exceeded");
        assertThat(rows(pool, "conversions", key.owner())).isEqualTo(5);

        var small = createKey("free", Map.of("conversions_per_day", 2));
        Response tooBig = batch(small.key(), 3);
        tooBig.then().statusCode(429);
        assertThat(tooBig.jsonPath().getString("message"))
                .contains("this request needs 3 conversions, more than the daily quota of 2");
        assertThat(rows(pool, "conversions", small.owner())).isZero();
        assertThat(rows(pool, "jobs", small.owner())).isZero();
    }

    @Test
    void aRequestAnsweredWithAnErrorGivesItsConversionsBack() {
        var key = createKey("free", Map.of("requests_per_minute", 10, "conversions_per_day", 2));
        Response notAnImage = given().header("X-API-Key", key.key())
                .multiPart("file", "a.png", "not an image at all".getBytes(), "image/png").post("/api/v1/convert");
        notAnImage.then().statusCode(415);
        assertLeft(notAnImage, 10, 9, 2, 2); // the request counts, its conversion does not
        // refused for its own content before any work: not even the request counts
        given().header("X-API-Key", key.key()).multiPart("file", "a.png", TestImages.png(8, 8), "image/png")
                .multiPart("quality", "0").post("/api/v1/convert").then().statusCode(400);
        upload(key.key(), "/api/v1/convert").then().statusCode(202);
        Response last = upload(key.key(), "/api/v1/convert");
        last.then().statusCode(202);
        assertLeft(last, 10, 7, 2, 0);
        upload(key.key(), "/api/v1/convert").then().statusCode(429);
    }

    @Test
    void theOptimizeDialectAnswersItsRefusalAsItsOwnErrorSentence() {
        var key = createKey("free", Map.of("requests_per_minute", 2, "conversions_per_day", 50));
        byte[] photo = TestImages.encode(Pictures.photo(160, 120), "jpg");
        Response image = optimize(key.key(), photo, Map.of());
        image.then().statusCode(200).contentType("image/jpeg");
        assertThat(image.header("X-Original-Size")).isEqualTo(String.valueOf(photo.length));
        assertLeft(image, 2, 1, 50, 49);
        Response json = optimize(key.key(), photo, Map.of("response", "json"));
        json.then().statusCode(200).contentType("application/json");
        assertLeft(json, 2, 0, 50, 48);
        given().get(json.jsonPath().getString("download_url")).then().statusCode(200);

        Response refused = optimize(key.key(), photo, Map.of());
        refused.then().statusCode(429).contentType("application/json");
        assertThat(refused.jsonPath().getMap("")).containsOnlyKeys("error");
        assertThat(refused.jsonPath().getString("error")).startsWith("too many requests: at most 2 per minute");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
        assertLeft(refused, 2, 0, 50, 48);
    }

    @Test
    void imageGenerationCountsOneRequestAndEachImageAndIsRefusedWholeOverTheQuota() {
        var key = createKey("free", Map.of("requests_per_minute", 3, "conversions_per_day", 5));
        Response four = generate(key.key(), 4);
        four.then().statusCode(200);
        assertLeft(four, 3, 2, 5, 1);
        // two more images would pass the day's 5: refused whole, nothing charged or queued
        Response refused = generate(key.key(), 2);
        refused.then().statusCode(429);
        assertThat(refused.jsonPath().getString("error")).isEqualTo("quota_exceeded");
        assertLeft(refused, 3, 2, 5, 1); // a refusal counts nothing
        assertThat(rows(pool, "conversions", key.owner())).isEqualTo(4);
        // the image URLs are downloads: never limited
        for (int i = 0; i < 3; i++) {
            given().get(four.jsonPath().getString("[0].url")).then().statusCode(200);
        }
    }

    private static Response generate(String key, int images) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body(Map.of("prompt", "a lighthouse", "numImages", images)).post("/api/image-generation/");
    }

    @Test
    void theTaskDialectAnswersItsRefusalWithHttp429AndTheEnvelope() {
        var key = createKey("free", Map.of("requests_per_minute", 2, "conversions_per_day", 50));
        Response created = Tasks.upload(key.key(), "a.png", TestImages.png(64, 48), "image/png").post(Tasks.PATH);
        created.then().statusCode(200);
        assertThat(created.jsonPath().getInt("status")).isEqualTo(200);
        assertLeft(created, 2, 1, 50, 49);
        String taskId = created.jsonPath().getString("data.task_id");
        // reading the task is not limited
        for (int i = 0; i < 5; i++) {
            Response read = given().header("X-API-KEY", key.key()).get(Tasks.PATH + "/{id}", taskId);
            read.then().statusCode(200);
            assertUnlimited(read);
        }
        Response sync = Tasks.upload(key.key(), "b.png", TestImages.png(64, 48), "image/png").multiPart("sync", "1")
                .post(Tasks.PATH);
        sync.then().statusCode(200);
        assertThat(sync.jsonPath().getInt("data.state")).isEqualTo(1);
        assertLeft(sync, 2, 0, 50, 48);

        Response refused = Tasks.upload(key.key(), "c.png", TestImages.png(64, 48), "image/png").post(Tasks.PATH);
        refused.then().statusCode(429).contentType("application/json");
        JsonPath envelope = refused.jsonPath();
        assertThat(envelope.getMap("")).containsOnlyKeys("status", "message", "data");
        assertThat(envelope.getInt("status")).isEqualTo(429);
        assertThat(envelope.getString("message")).startsWith("too many requests");
        assertThat(envelope.get("data") == null).isTrue();
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
        assertLeft(refused, 2, 0, 50, 48);
        assertThat(Tasks.awaitEnd(key.key(), taskId).getInt("state")).isEqualTo(1);

        var quota = createKey("free", Map.of("conversions_per_day", 1));
        Tasks.upload(quota.key(), "a.png", TestImages.png(16, 16), "image/png").post(Tasks.PATH).then().statusCode(200);
        Response over = Tasks.upload(quota.key(), "a.png", TestImages.png(16, 16), "image/png").post(Tasks.PATH);
        over.then().statusCode(429);
        assertThat(over.jsonPath().getInt("status")).isEqualTo(429);
        assertThat(over.jsonPath().getString("message")).contains("daily quota of 1 conversions");
    }

    @Test
    void statusEventsDownloadsJobsAndZipsAreNeverLimited() throws Exception {
        var key = createKey("free", Map.of("requests_per_minute", 2));
        Map<String, String> auth = Map.of("X-API-Key", key.key());
        String id = upload(key.key(), "/api/v1/convert").then().statusCode(202).extract().path("id");
        String jobId = batch(key.key(), 2).then().statusCode(202).extract().path("job_id");
        upload(key.key(), "/api/v1/convert").then().statusCode(429);

        JsonPath done = Conversions.awaitEnd(id, auth);
        JsonPath job = Batches.awaitEnd(jobId, auth);
        for (int i = 0; i < 10; i++) {
            Response status = given().headers(auth).get("/api/v1/convert/{id}/status", id);
            status.then().statusCode(200);
            assertUnlimited(status);
            given().headers(auth).get("/api/v1/jobs/{id}", jobId).then().statusCode(200);
        }
        Response download = given().get(done.getString("download_url"));
        download.then().statusCode(200);
        assertUnlimited(download);
        given().get(done.getString("download_url")).then().statusCode(200);
        given().headers(auth).get(job.getString("zip_url")).then().statusCode(200);
        given().headers(auth).get(job.getString("zip_url")).then().statusCode(200);
        HttpResponse<String> events = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base + "api/v1/convert/" + id + "/events")).header("X-API-Key", key.key())
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(events.body()).contains("\"status\":\"completed\"");
        assertThat(events.headers().firstValue("X-RateLimit-Limit")).isEmpty();
    }

    @Test
    void keyLimitsAreCheckedWhenTheKeyIsCreated() {
        for (Object bad : new Object[] { 0, -3, "ten", 1.5, 1_000_001, true }) {
            given().header("Authorization", "Bearer test-operator-token").contentType("application/json")
                    .body(Map.of("name", "bad", "limits", Map.of("requests_per_minute", bad)))
                    .post("/api/admin/keys").then().statusCode(400)
                    .body("error", org.hamcrest.Matchers.equalTo("invalid_parameter"))
                    .body("message", org.hamcrest.Matchers.containsString("limits.requests_per_minute"));
        }
        given().header("Authorization", "Bearer test-operator-token").contentType("application/json")
                .body(Map.of("name", "bad", "limits", Map.of("conversions_per_day", 0)))
                .post("/api/admin/keys").then().statusCode(400)
                .body("message", org.hamcrest.Matchers.containsString("limits.conversions_per_day"));
        given().header("Authorization", "Bearer test-operator-token").contentType("application/json")
                .body(Map.of("name", "bad", "limits", Map.of("requests_per_day", 5)))
                .post("/api/admin/keys").then().statusCode(400)
                .body("message", org.hamcrest.Matchers.containsString("requests_per_minute"));
        var key = createKey("professional", Map.of("requests_per_minute", 7, "conversions_per_day", 70));
        Map<String, Object> listed = given().header("Authorization", "Bearer test-operator-token")
                .get("/api/admin/keys").then().statusCode(200).extract().jsonPath()
                .getMap("find { it.id == '" + key.owner().substring(4) + "' }.limits");
        assertThat(listed).containsEntry("requests_per_minute", 7).containsEntry("conversions_per_day", 70);
    }

    @Test
    void usageSaysWhatAKeyHasUsedInTheMinuteAndTheDay() {
        Map<String, Object> limits = Map.of("requests_per_minute", 5, "conversions_per_day", 50);
        var key = createKey("free", limits);
        Caller caller = new Caller(key.owner(), UUID.fromString(key.owner().substring(4)), "free",
                KeyLimits.parseStored(new io.vertx.core.json.JsonObject(limits).encode()));
        UsageLimits.Usage none = usageLimits.usage(caller).await().indefinitely();
        assertThat(none.requestsThisMinute()).isZero();
        assertThat(none.conversionsToday()).isZero();
        assertThat(none.requestsPerMinute()).isEqualTo(5);
        batch(key.key(), 3).then().statusCode(202);
        upload(key.key(), "/api/v1/convert").then().statusCode(202);
        UsageLimits.Usage used = usageLimits.usage(caller).await().indefinitely();
        assertThat(used).isEqualTo(new UsageLimits.Usage(2, 5, 2, 4, 50, used.minuteResetSeconds(),
                used.dayResetSeconds()));
        assertThat(used.minuteResetSeconds()).isBetween(1L, 60L);
        assertThat(used.dayResetSeconds()).isCloseTo(secondsToUtcMidnight(), org.assertj.core.data.Offset.offset(5L));
        // reading counts nothing
        assertThat(usageLimits.usage(caller).await().indefinitely().requestsThisMinute()).isEqualTo(2);
    }

    /**
     * A second replica: its own Vert.x and its own pool of connections to the same database,
     * counting with the same code. Between them the key gets its 4 requests, not 4 each.
     */
    @Test
    void aSecondReplicaCountsIntoTheSameLimit() throws Exception {
        var key = createKey("free", Map.of("requests_per_minute", 4));
        io.vertx.core.Vertx otherVertx = io.vertx.core.Vertx.vertx();
        Pool otherPool = Pool.newInstance(PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
                .connectingTo(database.connectOptions()).using(otherVertx).build());
        try {
            RateCounters other = new RateCounters(otherPool);
            upload(key.key(), "/api/v1/convert").then().statusCode(202);
            assertThat(other.admit(key.owner(), 1, 4, 1_000_000, 60).await().indefinitely().admitted()).isTrue();
            Response third = upload(key.key(), "/api/v1/convert");
            third.then().statusCode(202);
            assertLeft(third, 4, 1, 1_000_000_000, 999_999_997);
            RateCounters.Count fourth = other.admit(key.owner(), 1, 4, 1_000_000, 60).await().indefinitely();
            assertThat(fourth.admitted()).isTrue();
            assertThat(fourth.requests()).isEqualTo(4);
            assertThat(other.admit(key.owner(), 1, 4, 1_000_000, 60).await().indefinitely().admitted()).isFalse();
            Response refused = upload(key.key(), "/api/v1/convert");
            refused.then().statusCode(429);
            assertLeft(refused, 4, 0, 1_000_000_000, 999_999_996);
        } finally {
            otherPool.closeAndAwait();
            otherVertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOpenApiDocumentShowsTheLimitsOnEveryOperationThatCreatesWork() {
        Map<String, Map<String, Object>> paths = given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().jsonPath().getMap("paths");
        for (String path : List.of("/api/v1/convert", "/api/v1/convert/url", "/api/v1/convert/batch",
                "/api/v1/convert/url/batch", "/api/v1/compress", "/api/v1/resize", "/api/v1/optimize",
                "/api/tasks/visual/imgcompress")) {
            Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) ((Map<String, Object>)
                    paths.get(path).get("post")).get("responses");
            assertThat(responses).as(path).containsKey("429");
            assertThat((Map<String, Object>) responses.get("429").get("headers")).as(path)
                    .containsKeys("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                            "X-Quota-Remaining");
            assertThat(responses.get("429").get("content")).as(path + " in its dialect's shape")
                    .isEqualTo(responses.get("400").get("content"));
            String success = responses.containsKey("202") ? "202" : "200";
            assertThat((Map<String, Object>) responses.get(success).get("headers")).as(path)
                    .containsKeys("X-RateLimit-Remaining", "X-Quota-Remaining");
        }
        Map<String, Object> status = (Map<String, Object>) paths.get("/api/v1/convert/{id}/status").get("get");
        assertThat((Map<String, Object>) status.get("responses")).doesNotContainKey("429");
    }

    private long secondsToUtcMidnight() {
        return pool.query("select extract(epoch from ((now() at time zone 'utc')::date + 1)::timestamp"
                        + " at time zone 'utc' - now())::bigint")
                .execute().await().indefinitely().iterator().next().getLong(0);
    }

    private static Response upload(String key, String path) {
        var request = given().header("X-API-Key", key).multiPart("file", "a.png", TestImages.png(24, 16), "image/png");
        if (path.endsWith("resize")) {
            request.multiPart("width", "12");
        }
        return request.post(path);
    }

    private static Response batch(String key, int files) {
        Map<String, byte[]> inputs = new LinkedHashMap<>();
        for (int i = 0; i < files; i++) {
            inputs.put("p" + i + ".png", TestImages.png(20 + i, 10));
        }
        return Batches.upload(inputs).header("X-API-Key", key).post("/api/v1/convert/batch");
    }

    private static Response optimize(String key, byte[] image, Map<String, String> fields) {
        var request = given().header("X-API-Key", key).multiPart("image", "p.jpg", image, "image/jpeg");
        fields.forEach(request::multiPart);
        return request.post("/api/v1/optimize");
    }
}
