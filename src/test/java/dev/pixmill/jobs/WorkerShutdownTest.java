package dev.pixmill.jobs;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's stop, in a replica of its own (it stops this one's worker for good). The rest of
 * graceful shutdown is tested on real processes: {@link GracefulShutdownIT}.
 */
@QuarkusTest
@TestProfile(WorkerShutdownTest.OwnReplica.class)
class WorkerShutdownTest {

    public static class OwnReplica implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pixmill.jobs.shutdown-grace", "20S");
        }
    }

    @Inject
    ConversionWorker worker;

    @Inject
    Pool pool;

    @Test
    void workAClaimBringsInAfterShutdownBeganIsGivenBackNotStarted() throws Exception {
        UUID id = UUID.randomUUID();
        // a transaction holding the table keeps the worker's next claim waiting in the database
        SqlConnection conn = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        Transaction tx = conn.begin().await().atMost(Duration.ofSeconds(10));
        CompletableFuture<Void> stopped;
        try {
            conn.query("lock table conversions in exclusive mode").execute().await().atMost(Duration.ofSeconds(10));
            // the oldest pending row, so the claim takes it first (params no handler could run)
            conn.preparedQuery("""
                            insert into conversions (id, owner, status, params, input_format, input_size,
                                output_format, created_at)
                            values ($1, 'anon:127.0.0.1', 'pending', '{}', 'png', 1, 'png', '2000-01-01')""")
                    .execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10));
            worker.pump();
            stopped = CompletableFuture.runAsync(() -> worker.stop(new ShutdownEvent()));
            // the stop waits for the claim in flight (within its grace of 20 s)
            assertThat(waitFor(stopped, Duration.ofMillis(500))).as("stop returned before the claim answered").isFalse();
        } finally {
            tx.commit().await().atMost(Duration.ofSeconds(10));
            conn.close().await().atMost(Duration.ofSeconds(10));
        }
        stopped.get(20, TimeUnit.SECONDS);

        Row row = pool.preparedQuery("select status, lease_owner, attempts, claimed_by, progress from conversions"
                + " where id = $1").execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10)).iterator().next();
        // claimed once (as shutdown began), then given back untouched: pending, no lease, no try used
        assertThat(row.getArrayOfStrings("claimed_by")).hasSize(1);
        assertThat(row.getString("status")).isEqualTo("pending");
        assertThat(row.getString("lease_owner")).isNull();
        assertThat(row.getInteger("attempts")).isZero();
        pool.preparedQuery("delete from conversions where id = $1").execute(Tuple.of(id))
                .await().atMost(Duration.ofSeconds(10));
    }

    private static boolean waitFor(CompletableFuture<Void> f, Duration d) {
        try {
            f.get(d.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
