package dev.pixmill.jobs;

import dev.pixmill.engine.ImageFormat;
import dev.pixmill.jobs.ServiceReplicas.Item;
import dev.pixmill.jobs.ServiceReplicas.Replica;
import dev.pixmill.support.Magic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static dev.pixmill.jobs.ServiceReplicas.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica stopped the way Kubernetes stops a pod: SIGTERM to the service's own JVM, started
 * from the packaged jar ({@code target/quarkus-app/quarkus-run.jar}) like in the image, while it
 * runs a batch. Nothing is lost (what ran finished, or went back to the queue untouched, and
 * another replica finishes it) and nothing runs twice ({@code conversions.claimed_by} lists every
 * claim: an item is claimed a second time only when the first replica gave it back unfinished).
 * The replicas and their database: {@link ServiceReplicas}.
 */
class GracefulShutdownIT {

    private final List<Replica> replicas = new ArrayList<>();

    @BeforeAll
    static void freshDatabase() throws SQLException {
        ServiceReplicas.freshDatabase();
    }

    @AfterEach
    void stopReplicas() {
        replicas.forEach(Replica::kill);
    }

    @Test
    void runningItemsFinishWithinTheGraceAndAnotherReplicaRunsTheRestEachOnce() throws Exception {
        // A as a plain `java -jar` without heap options, which restarts itself as a child JVM with
        // bounded settings (JvmDefaults): the SIGTERM goes to the launcher only, as Kubernetes
        // signals PID 1, and must reach the service
        Replica a = start("it-a", Duration.ofSeconds(30), false);
        ProcessHandle service = a.process.toHandle().children().findFirst()
                .orElseThrow(() -> new AssertionError("the launcher started no service JVM"));
        String key = createKey(a);
        List<byte[]> inputs = images(8, 1600, 1200);
        UUID job = submitBatch(a, inputs);
        List<Item> running = awaitItems(job, items -> count(items, i -> i.status().equals("processing")) >= 2);
        // a synchronous request (seconds of quality search) that has reached A when the signal comes
        CompletableFuture<Void> sent = new CompletableFuture<>();
        CompletableFuture<HttpResponse<byte[]>> optimized = optimize(a, key, images(1, 1500, 1500).getFirst(), sent);
        sent.get(30, TimeUnit.SECONDS);

        long signalled = System.nanoTime();
        a.terminate();
        Thread.sleep(100); // the signal reaches the service; only what A claimed until then may be A's
        List<Item> atSignal = items(job);
        int exit = a.awaitExit(Duration.ofSeconds(10 + 30 + 30));
        Duration took = Duration.ofNanos(System.nanoTime() - signalled);

        HttpResponse<byte[]> answer = optimized.get(5, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as("the request in flight at SIGTERM is answered").isEqualTo(200);
        assertThat(Magic.matches(ImageFormat.AVIF, answer.body())).isTrue();
        assertThat(service.isAlive()).as("the service JVM ended before its launcher").isFalse();
        assertGracefulStop(a, exit);
        List<Item> after = items(job);
        assertNoneHeld(after, a);
        for (Item was : running) {
            if (was.status().equals("processing")) {
                // within a grace long enough for it, a running item is finished, not given back
                assertThat(item(after, was.id()).status()).as("item %d, running at SIGTERM", was.position())
                        .isEqualTo("completed");
            }
        }
        assertThat(count(after, i -> i.status().equals("pending"))).as("items A never started").isPositive();
        // from the signal on A claimed nothing, though its running items and the request went on
        assertThat(after.stream().filter(i -> i.claimedBy().contains(a.name)).map(Item::id))
                .as("items A claimed").isSubsetOf(atSignal.stream().filter(i -> i.claimedBy().contains(a.name))
                        .map(Item::id).toList());
        assertThat(took).as("A waits for its running items only, never its whole grace").isLessThan(Duration.ofSeconds(25));

        Replica b = start("it-b", Duration.ofSeconds(30), true);
        List<Item> done = awaitBatchEnd(job);
        assertEveryItemCompletedOnce(done, inputs, b);
        for (Item i : done) {
            Item before = item(after, i.id());
            // finished by A: A's only claim; left pending by A: B's only claim
            assertThat(i.claimedBy()).as("claims of item %d", i.position())
                    .containsExactly(before.status().equals("completed") ? a.name : b.name);
        }
    }

    @Test
    void anItemStillRunningAtTheGraceDeadlineIsGivenBackAndTheOtherReplicaFinishesIt() throws Exception {
        // two replicas share the batch; items take a second or more, A's grace is 0.2 s: what A
        // runs at SIGTERM is still running at its deadline
        Replica a = launch("it-a", Duration.ofMillis(200), true);
        Replica b = launch("it-b", Duration.ofSeconds(30), true);
        a.awaitReady();
        b.awaitReady();
        List<byte[]> inputs = images(5, 1800, 1350);
        UUID job = submitBatch(a, inputs);
        awaitItems(job, items -> count(items, i -> i.status().equals("processing") && i.leaseOwner() != null
                && i.leaseOwner().startsWith(a.name + "/")) >= 1);

        long signalled = System.nanoTime();
        a.terminate();
        int exit = a.awaitExit(Duration.ofSeconds(30));
        Duration took = Duration.ofNanos(System.nanoTime() - signalled);

        System.out.printf("A stopped %d ms after SIGTERM%n", took.toMillis());
        assertGracefulStop(a, exit);
        List<String> givenBack = a.logLinesMatching("gave convert ([0-9a-f-]{36}) back to the queue");
        assertThat(givenBack).as("A gave back what it still ran at the deadline").isNotEmpty();
        // what the engine still made of them is dropped, not written (and not failed) after the pool closed
        assertThat(a.log()).doesNotContain("could not be recorded");
        // its grace, the engine's short stop wait and the JVM's own stop (a second or two on a
        // loaded machine); not the end of the conversions it gave back
        assertThat(took).as("A stops soon after its grace").isLessThan(Duration.ofMillis(200 + 8000));
        assertNoneHeld(items(job), a);

        List<Item> done = awaitBatchEnd(job);
        assertEveryItemCompletedOnce(done, inputs, b);
        for (Item i : done) {
            if (givenBack.contains(i.id().toString())) {
                // A's claim was given back untouched (its try does not count), then B ran it once
                assertThat(i.claimedBy()).as("claims of item %d", i.position()).containsExactly(a.name, b.name);
                assertThat(i.attempts()).isEqualTo(1);
            } else {
                assertThat(i.claimedBy()).as("claims of item %d", i.position()).hasSize(1);
            }
        }
    }

    // --- assertions ---------------------------------------------------------------------------

    /** Exited by itself, with the status of a JVM ended by SIGTERM, after the worker's orderly stop. */
    private static void assertGracefulStop(Replica r, int exit) throws IOException {
        System.out.printf("%s exited with %d%n", r.name, exit);
        assertThat(exit).as("exit status of %s; log:%n%s", r.name, r.log()).isIn(0, 143);
        assertThat(r.log()).as("log of %s", r.name).contains("conversion worker stopping").contains("conversion worker stopped")
                .contains("pixmill stopped in");
    }

    /** No item is left processing under a lease of {@code gone}; what it left pending has no lease. */
    private static void assertNoneHeld(List<Item> items, Replica gone) {
        for (Item i : items) {
            if (i.leaseOwner() != null) {
                assertThat(i.leaseOwner()).as("lease of item %d", i.position()).doesNotStartWith(gone.name + "/");
            } else {
                assertThat(i.status()).as("item %d", i.position()).isIn("pending", "completed");
            }
        }
    }


    /** A professional key, from the admin API. */
    private static String createKey(Replica r) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(r.uri("/api/admin/keys"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"shutdown-it\",\"plan\":\"professional\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as("key answer: %s", res.body()).isEqualTo(201);
        return JSON.readTree(res.body()).get("key").asText();
    }

    /** POST /api/v1/optimize to AVIF at level 5; {@code sent} completes once the whole request is out. */
    private static CompletableFuture<HttpResponse<byte[]>> optimize(Replica r, String key, byte[] jpeg,
            CompletableFuture<Void> sent) throws IOException {
        String boundary = "----pixmill-it-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, boundary, "image\"; filename=\"photo.jpg", "image/jpeg", jpeg);
        part(body, boundary, "output_format", null, "avif".getBytes(StandardCharsets.UTF_8));
        part(body, boundary, "quality", null, "5".getBytes(StandardCharsets.UTF_8));
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest.BodyPublisher bytes = HttpRequest.BodyPublishers.ofByteArray(body.toByteArray());
        HttpRequest.BodyPublisher watched = new HttpRequest.BodyPublisher() {
            @Override
            public long contentLength() {
                return bytes.contentLength();
            }

            @Override
            public void subscribe(Flow.Subscriber<? super java.nio.ByteBuffer> s) {
                bytes.subscribe(new Flow.Subscriber<java.nio.ByteBuffer>() {
                    @Override
                    public void onSubscribe(Flow.Subscription subscription) {
                        s.onSubscribe(subscription);
                    }

                    @Override
                    public void onNext(java.nio.ByteBuffer item) {
                        s.onNext(item);
                    }

                    @Override
                    public void onError(Throwable t) {
                        s.onError(t);
                    }

                    @Override
                    public void onComplete() {
                        s.onComplete();
                        sent.complete(null);
                    }
                });
            }
        };
        return HTTP.sendAsync(HttpRequest.newBuilder(r.uri("/api/v1/optimize"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).header("X-API-Key", key)
                .timeout(Duration.ofSeconds(90)).POST(watched).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    // --- replicas ------------------------------------------------------------------------------

    private Replica start(String name, Duration grace, boolean explicitHeap) throws Exception {
        Replica r = launch(name, grace, explicitHeap);
        r.awaitReady();
        return r;
    }

    /** Starts a replica without waiting for it, so that two can start at once. */
    private Replica launch(String name, Duration grace, boolean explicitHeap) throws IOException {
        Replica r = new Replica(GracefulShutdownIT.class, name, grace, explicitHeap, Map.of());
        replicas.add(r);
        return r;
    }

}
