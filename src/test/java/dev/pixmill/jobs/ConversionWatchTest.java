package dev.pixmill.jobs;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** A status stream survives a flood of notifications while its reader is slow. */
@QuarkusTest
class ConversionWatchTest {

    @Inject
    ConversionService conversions;

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @Test
    void aSlowReaderIsNotFailedByAFloodOfNotifications() throws Exception {
        UUID id = UUID.randomUUID();
        String owner = "anon:watch-test";
        pool.preparedQuery("""
                        insert into conversions (id, owner, status, params, input_format, input_size, output_format,
                            lease_owner, lease_until, progress)
                        values ($1, $2, 'processing', '{}', 'png', 1, 'png', 'elsewhere', now() + interval '10 minutes', 10)""")
                .execute(Tuple.of(id, owner)).await().indefinitely();

        // the stream must start on a request-like (duplicated, safe) context, as a resource does
        var context = VertxContext.getOrCreateDuplicatedContext(vertx);
        io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle.setContextSafe(context, true);
        CompletableFuture<AssertSubscriber<Conversion>> started = new CompletableFuture<>();
        context.runOnContext(v -> started.complete(conversions.watch(id, owner).subscribe()
                .withSubscriber(AssertSubscriber.create(1))));
        AssertSubscriber<Conversion> reader = started.get();
        reader.awaitItems(1, Duration.ofSeconds(10));

        // a flood of "changed" signals while the reader asks for nothing more (identical
        // notifications in one transaction are merged by PostgreSQL, hence one statement each)
        for (int i = 0; i < 2000; i++) {
            pool.preparedQuery("select pg_notify('pixmill_status', $1)").execute(Tuple.of(id.toString()))
                    .await().indefinitely();
        }
        Thread.sleep(500);
        assertThat(reader.getFailure()).as("the stream failed under the flood").isNull();

        pool.preparedQuery("""
                        update conversions set status = 'completed', progress = 100, download_token = $2,
                            completed_at = now(), expires_at = now() + interval '1 hour', lease_owner = null
                        where id = $1""")
                .execute(Tuple.of(id, "tok-" + id)).await().indefinitely();
        pool.preparedQuery("select pg_notify('pixmill_status', $1)").execute(Tuple.of(id.toString())).await().indefinitely();
        reader.request(Long.MAX_VALUE);
        reader.awaitCompletion(Duration.ofSeconds(10));
        assertThat(reader.getItems().getLast().status).isEqualTo(ConversionStatus.COMPLETED);
    }
}
