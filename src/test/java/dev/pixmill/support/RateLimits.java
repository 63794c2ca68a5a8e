package dev.pixmill.support;

import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Test steps of the plans' limits: keys with limits, the counters' table, the limit headers. */
public final class RateLimits {

    private RateLimits() {
    }

    /** A new key of {@code plan} with these {@code limits}, made through the admin API. */
    public static Created createKey(String plan, Map<String, ?> limits) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "limits");
        body.put("plan", plan);
        body.put("limits", limits);
        var created = given().header("Authorization", "Bearer test-operator-token").contentType("application/json")
                .body(body).post("/api/admin/keys").then().statusCode(201).extract().jsonPath();
        return new Created(created.getString("key"), "key:" + created.getString("id"));
    }

    /** A key and the owner (and counter subject) it stands for. */
    public record Created(String key, String owner) {
    }

    /** Forgets every caller's counts. */
    public static void clear(Pool pool) {
        pool.query("delete from rate_counters").execute().await().indefinitely();
    }

    /**
     * Waits, if need be, until the request window of {@code seconds} has at least {@code needed}
     * seconds left by the database's clock, so that a test's few requests fall in one window.
     */
    public static void awaitRoomInWindow(Pool pool, int seconds, double needed) {
        double left = pool.preparedQuery("select ($1::int - extract(epoch from now()) % $1::int)::float8")
                .execute(Tuple.of(seconds)).await().indefinitely().iterator().next().getDouble(0);
        if (left < needed) {
            try {
                Thread.sleep((long) (left * 1000) + 50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Rows of {@code table} owned by {@code owner}. */
    public static long rows(Pool pool, String table, String owner) {
        return pool.preparedQuery("select count(*) from " + table + " where owner = $1").execute(Tuple.of(owner))
                .await().indefinitely().iterator().next().getLong(0);
    }

    /** The request-window and quota headers say this much is left of these limits. */
    public static void assertLeft(Response r, int requestLimit, int requestsLeft, int quota, int quotaLeft) {
        assertThat(r.header("X-RateLimit-Limit")).as("X-RateLimit-Limit").isEqualTo(String.valueOf(requestLimit));
        assertThat(r.header("X-RateLimit-Remaining")).as("X-RateLimit-Remaining")
                .isEqualTo(String.valueOf(requestsLeft));
        assertThat(Long.parseLong(r.header("X-RateLimit-Reset"))).as("X-RateLimit-Reset").isBetween(1L, 3600L);
        assertThat(r.header("X-Quota-Limit")).as("X-Quota-Limit").isEqualTo(String.valueOf(quota));
        assertThat(r.header("X-Quota-Remaining")).as("X-Quota-Remaining").isEqualTo(String.valueOf(quotaLeft));
        assertThat(Long.parseLong(r.header("X-Quota-Reset"))).as("X-Quota-Reset").isBetween(1L, 86_400L);
    }

    /** None of the limit headers (a read, which is not limited). */
    public static void assertUnlimited(Response r) {
        for (String h : new String[] { "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                "X-Quota-Limit", "Retry-After" }) {
            assertThat(r.header(h)).as(h).isNull();
        }
    }
}
