package dev.pixmill.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.jobs.ConversionQueue;
import dev.pixmill.jobs.ImageConversionHandler;
import dev.pixmill.jobs.QueueSweeper;
import dev.pixmill.security.Tokens;
import dev.pixmill.storage.BlobStore;
import dev.pixmill.support.Batches;
import dev.pixmill.support.Magic;
import dev.pixmill.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * This replica runs no conversions and its streams re-read only on NOTIFY: everything its job
 * streams and documents show comes from "another replica" (the test, claiming and completing
 * through the shared queue), through the database.
 */
@QuarkusTest
@TestProfile(BatchReplicaTest.ApiOnlyReplica.class)
class BatchReplicaTest {

    public static class ApiOnlyReplica implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pixmill.jobs.worker-enabled", "false", "pixmill.jobs.status-recheck", "10M");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

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

    record Event(String name, JsonNode data) {
    }

    @Test
    void theJobStreamFollowsItemsThatAnotherReplicaRunsAndEndsWithTheJob() throws Exception {
        String jobId = submit(3);
        List<Event> live = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<List<Event>> stream = CompletableFuture.supplyAsync(() -> readEvents(jobId, live));
        awaitEventCount(stream, jobId);
        List<UUID> items = itemsOf(jobId);
        List<ConversionQueue.Claimed> claims = claimAll(items, "other-replica");
        // the claims reach the stream (by NOTIFY alone) before anything completes, so each item's
        // processing state is seen; a later re-read may otherwise find it completed already
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (live.stream().filter(e -> e.name().equals("item")).count() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        for (ConversionQueue.Claimed claim : claims) {
            assertThat(queue.complete(claim, run(claim), Tokens.downloadToken()).await().indefinitely()).isTrue();
        }
        List<Event> events = stream.get(20, TimeUnit.SECONDS);

        assertThat(events.getFirst().name()).isEqualTo("status");
        assertThat(events.getFirst().data().get("status").asText()).isEqualTo("processing");
        Event last = events.getLast();
        assertThat(last.name()).isEqualTo("status");
        assertThat(last.data().get("status").asText()).isEqualTo("completed");
        assertThat(last.data().get("completed_files").asInt()).isEqualTo(3);
        for (JsonNode item : last.data().get("items")) {
            assertThat(item.get("download_url").asText()).startsWith(base.toString().replaceAll("/$", ""));
        }
        // per item: processing (claimed), then completed with its link
        for (UUID id : items) {
            List<String> states = events.stream().filter(e -> e.name().equals("item"))
                    .filter(e -> e.data().get("id").asText().equals(id.toString()))
                    .map(e -> e.data().get("status").asText()).toList();
            assertThat(states).as("item %s", id).containsSubsequence("processing", "completed");
        }
        // a status event when the counts change (ends that land together may share one)
        assertThat(events.stream().filter(e -> e.name().equals("status")).count()).isBetween(2L, 4L);
        // a client that connects after the end gets the final document at once, and the stream ends
        List<Event> late = readEvents(jobId);
        assertThat(late).hasSize(1);
        assertThat(late.getFirst().data().get("status").asText()).isEqualTo("completed");
    }

    @Test
    void anItemWhoseReplicaDiedIsRecoveredAndEveryItemFinishesExactlyOnce() throws Exception {
        String jobId = submit(3);
        List<UUID> items = itemsOf(jobId);
        List<ConversionQueue.Claimed> dead = claimAll(items, "dying-replica");
        // it finished the first item, then died holding the other two
        ConversionQueue.Claimed first = dead.stream().filter(c -> c.id().equals(items.getFirst())).findFirst()
                .orElseThrow();
        assertThat(queue.complete(first, run(first), Tokens.downloadToken()).await().indefinitely()).isTrue();
        pool.preparedQuery("update conversions set lease_until = now() - interval '1 second'"
                + " where job_id = $1 and status = 'processing'").execute(Tuple.of(UUID.fromString(jobId)))
                .await().indefinitely();
        assertThat(sweeper.recoverLeases().await().indefinitely()).isEqualTo(2);
        assertThat(given().get("/api/v1/jobs/{id}", jobId).then().extract().jsonPath().getString("status"))
                .isEqualTo("processing");

        List<ConversionQueue.Claimed> live = claimAll(items.subList(1, 3), "live-replica");
        EngineResult result = null;
        for (ConversionQueue.Claimed claim : live) {
            result = run(claim);
            assertThat(queue.complete(claim, result, Tokens.downloadToken()).await().indefinitely()).isTrue();
        }
        // the dead replica's late results are refused: each item ends once
        for (ConversionQueue.Claimed stale : dead) {
            if (!stale.id().equals(first.id())) {
                assertThat(queue.complete(stale, result, Tokens.downloadToken()).await().indefinitely()).isFalse();
            }
        }
        JsonPath job = Batches.awaitEnd(jobId);
        assertThat(job.getString("status")).isEqualTo("completed");
        assertThat(job.getInt("completed_files")).isEqualTo(3);
        assertThat(job.getInt("failed_files")).isZero();
        var rows = pool.preparedQuery("select id, attempts from conversions where job_id = $1 order by job_position")
                .execute(Tuple.of(UUID.fromString(jobId))).await().indefinitely();
        List<Integer> attempts = new ArrayList<>();
        rows.forEach(r -> attempts.add(r.getInteger("attempts")));
        assertThat(attempts).containsExactly(1, 2, 2);
        var zip = Batches.unzip(given().get("/api/v1/jobs/{id}/zip", jobId).then().statusCode(200)
                .extract().asByteArray());
        assertThat(zip).hasSize(3);
        assertThat(zip.values()).allSatisfy(b -> assertThat(Magic.matches(ImageFormat.WEBP, b)).isTrue());
    }

    private String submit(int n) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            files.put("p" + i + ".png", TestImages.png(120 + i, 90));
        }
        return Batches.upload(files).multiPart("output_format", "webp").post("/api/v1/convert/batch")
                .then().statusCode(202).extract().path("job_id");
    }

    private EngineResult run(ConversionQueue.Claimed claim) {
        byte[] input = blobs.get(claim.id(), BlobStore.Role.INPUT).await().indefinitely().data();
        return engine.convert(input, conversions.params(claim).toSpec(Duration.ofSeconds(30)));
    }

    private List<UUID> itemsOf(String jobId) {
        List<UUID> ids = new ArrayList<>();
        pool.preparedQuery("select id from conversions where job_id = $1 order by job_position")
                .execute(Tuple.of(UUID.fromString(jobId))).await().indefinitely().forEach(r -> ids.add(r.getUUID(0)));
        return ids;
    }

    /** Claims as a replica until all of {@code ids} are held; anything else is given back. */
    private List<ConversionQueue.Claimed> claimAll(List<UUID> ids, String replica) {
        List<ConversionQueue.Claimed> mine = new ArrayList<>();
        for (int round = 0; round < 20 && mine.size() < ids.size(); round++) {
            for (ConversionQueue.Claimed c : queue.claim(replica, 50).await().indefinitely()) {
                if (ids.contains(c.id())) {
                    mine.add(c);
                } else {
                    queue.release(c).await().indefinitely();
                }
            }
        }
        assertThat(mine).hasSize(ids.size());
        return mine;
    }

    /** Gives the stream time to connect and send its first event before work starts. */
    private static void awaitEventCount(CompletableFuture<List<Event>> stream, String jobId) throws InterruptedException {
        Thread.sleep(500);
        if (stream.isDone()) {
            fail("the stream of job " + jobId + " ended before any work was done");
        }
    }

    private List<Event> readEvents(String jobId) {
        return readEvents(jobId, new ArrayList<>());
    }

    /** Reads the job's stream to its end; each event is added to {@code events} as it arrives. */
    private List<Event> readEvents(String jobId, List<Event> events) {
        try {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/v1/jobs/" + jobId + "/events"))
                    .timeout(Duration.ofSeconds(30)).build();
            HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String name = null;
                for (String line; (line = reader.readLine()) != null; ) {
                    if (line.startsWith("event:")) {
                        name = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        events.add(new Event(name, JSON.readTree(line.substring(5).strip())));
                    }
                }
            }
            return events;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
