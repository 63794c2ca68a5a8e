package dev.pixmill.jobs;

import dev.pixmill.jobs.ServiceReplicas.Item;
import dev.pixmill.jobs.ServiceReplicas.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.pixmill.jobs.ServiceReplicas.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A replica that dies without a word: SIGKILL to the service's JVM while it runs items of a batch
 * (no shutdown hook, nothing given back; its leases simply stop being renewed). With the
 * production lease, heartbeat and sweep, the other replica runs those items within 30 s of the
 * kill, and every item completes exactly once ({@code conversions.claimed_by}: the dead replica's
 * claim, then the survivor's).
 */
class ReplicaCrashIT {

    /** What issue 10 asks of recovery: lease (15 s) + sweep interval (5 s) + a claim on NOTIFY. */
    private static final Duration RECOVERY = Duration.ofSeconds(30);

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
    void itemsOfAKilledReplicaAreRunByAnotherWithin30sAndEachCompletesOnce() throws Exception {
        // two engine slots each, so each replica takes half of the four items at once; lease and
        // sweep keep their defaults. A is a plain `java -jar` (launcher and service JVM), as in the image
        Replica a = launch("crash-a", false);
        Replica b = launch("crash-b", true);
        a.awaitReady();
        b.awaitReady();
        List<byte[]> inputs = images(4, 1000, 750);
        UUID job = submitBatch(a, inputs);
        awaitItems(job, items -> count(items, i -> heldBy(i, a)) >= 1);

        ProcessHandle service = a.service();
        long killed = System.nanoTime();
        service.destroyForcibly(); // SIGKILL
        service.onExit().get(10, TimeUnit.SECONDS);
        assertThat(a.process.waitFor(10, TimeUnit.SECONDS)).as("A's launcher ends with its service").isTrue();
        List<Item> atKill = items(job);
        List<UUID> dead = atKill.stream().filter(i -> heldBy(i, a)).map(Item::id).toList();
        assertThat(dead).as("items A was running when it was killed").isNotEmpty();

        // when B took each of them over (its claim is recorded in claimed_by)
        Map<UUID, Duration> pickedUp = new LinkedHashMap<>();
        long deadline = killed + RECOVERY.plusSeconds(10).toNanos();
        while (pickedUp.size() < dead.size() && System.nanoTime() < deadline) {
            for (Item i : items(job)) {
                if (dead.contains(i.id()) && !pickedUp.containsKey(i.id()) && i.claimedBy().contains(b.name)) {
                    pickedUp.put(i.id(), Duration.ofNanos(System.nanoTime() - killed));
                }
            }
            Thread.sleep(20);
        }
        pickedUp.forEach((id, took) -> System.out.printf("item %s of the killed replica claimed by B %d ms after "
                + "the kill%n", id, took.toMillis()));
        if (pickedUp.size() < dead.size()) {
            fail("B took over " + pickedUp.size() + " of the " + dead.size() + " items of the killed replica within "
                    + RECOVERY.plusSeconds(10).toSeconds() + " s; log of B:\n" + b.log());
        }
        assertThat(pickedUp.values()).as("time from the kill to B's claim").allSatisfy(took ->
                assertThat(took).isLessThan(RECOVERY));
        // the lease had to run out first: not given back (a killed JVM gives nothing back)
        assertThat(pickedUp.values()).allSatisfy(took -> assertThat(took).isGreaterThan(Duration.ofSeconds(5)));

        List<Item> done = awaitBatchEnd(job);
        assertEveryItemCompletedOnce(done, inputs, b);
        for (Item i : done) {
            Item before = item(atKill, i.id());
            if (dead.contains(i.id())) {
                assertThat(i.claimedBy()).as("claims of item %d", i.position()).containsExactly(a.name, b.name);
                assertThat(i.attempts()).as("tries of item %d", i.position()).isEqualTo(2);
            } else {
                // finished by A before it died, or run by B alone
                assertThat(i.claimedBy()).as("claims of item %d", i.position()).hasSize(1);
                if (i.claimedBy().contains(a.name)) {
                    assertThat(before.status()).as("item %d, A's and not running at the kill", i.position())
                            .isEqualTo("completed");
                }
            }
        }
        assertThat(b.log()).contains("recovered").doesNotContain("could not be recorded");
    }

    /** Processing under a lease of {@code r}. */
    private static boolean heldBy(Item i, Replica r) {
        return i.status().equals("processing") && i.leaseOwner() != null && i.leaseOwner().startsWith(r.name + "/");
    }

    private Replica launch(String name, boolean explicitHeap) throws Exception {
        Replica r = new Replica(ReplicaCrashIT.class, name, Duration.ofSeconds(10), explicitHeap,
                Map.of("pixmill.engine.workers", "2"));
        replicas.add(r);
        return r;
    }
}
