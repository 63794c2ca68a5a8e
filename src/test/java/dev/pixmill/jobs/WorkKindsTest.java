package dev.pixmill.jobs;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static dev.pixmill.support.Conversions.awaitEnd;
import static org.assertj.core.api.Assertions.assertThat;

/** The worker runs each row by its kind; a kind no handler runs fails alone, the queue goes on. */
@QuarkusTest
class WorkKindsTest {

    @Inject
    Pool pool;

    @Test
    void aRowOfAKindNoHandlerRunsIsFailedCleanly() {
        UUID mystery = UUID.randomUUID();
        pool.preparedQuery("""
                        insert into conversions (id, owner, kind, status, params, input_format, input_size,
                            output_format, created_at)
                        values ($1, 'anon:127.0.0.1', 'mystery', 'pending', '{}', 'png', 1, 'png',
                            now() - interval '1 day')""")
                .execute(Tuple.of(mystery)).await().indefinitely();
        JsonPath failed = awaitEnd(mystery.toString(), Map.of());
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getString("error_message")).contains("'mystery'");
        var row = pool.preparedQuery("select error_code, attempts, lease_owner from conversions where id = $1")
                .execute(Tuple.of(mystery)).await().indefinitely().iterator().next();
        assertThat(row.getString("error_code")).isEqualTo("unknown_kind");
        assertThat(row.getInteger("attempts")).isEqualTo(1);
        assertThat(row.getString("lease_owner")).isNull();
    }
}
