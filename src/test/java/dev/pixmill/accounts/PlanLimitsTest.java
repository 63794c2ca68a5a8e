package dev.pixmill.accounts;

import dev.pixmill.support.Batches;
import dev.pixmill.support.RateLimits;
import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.pixmill.support.RateLimits.assertLeft;
import static dev.pixmill.support.RateLimits.createKey;
import static dev.pixmill.support.RateLimits.rows;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plans' own limits, small here: anonymous callers by client address (told apart by
 * X-Forwarded-For from a trusted proxy, as behind a load balancer), free and professional keys,
 * and a key's own numbers replacing its plan's. An hour's request window, so that a test's few
 * requests never straddle the end of one.
 */
@QuarkusTest
@TestProfile(PlanLimitsTest.SmallPlans.class)
class PlanLimitsTest {

    public static class SmallPlans implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(Map.entry("pixmill.limits.request-window", "1H"),
                    Map.entry("pixmill.limits.anonymous.requests-per-minute", "3"),
                    Map.entry("pixmill.limits.anonymous.conversions-per-day", "4"),
                    Map.entry("pixmill.limits.free.requests-per-minute", "4"),
                    Map.entry("pixmill.limits.free.conversions-per-day", "8"),
                    Map.entry("pixmill.limits.professional.requests-per-minute", "6"),
                    Map.entry("pixmill.limits.professional.conversions-per-day", "12"),
                    Map.entry("quarkus.http.proxy.proxy-address-forwarding", "true"),
                    Map.entry("quarkus.http.proxy.allow-x-forwarded", "true"),
                    Map.entry("quarkus.http.proxy.trusted-proxies", "127.0.0.1"));
        }
    }

    @Inject
    Pool pool;

    @BeforeEach
    void freshCounts() {
        RateLimits.clear(pool);
        // what earlier runs left under the documentation addresses these tests use
        pool.query("delete from jobs where owner like 'anon:203.0.113.%' or owner like 'anon:198.51.100.%'")
                .execute().await().indefinitely();
        pool.query("delete from conversions where owner like 'anon:203.0.113.%' or owner like 'anon:198.51.100.%'")
                .execute().await().indefinitely();
        RateLimits.awaitRoomInWindow(pool, 3600, 30);
    }

    @Test
    void anonymousCallersAreCountedByClientAddress() {
        for (int left = 2; left >= 0; left--) {
            Response r = convert("203.0.113.7");
            r.then().statusCode(202);
            assertLeft(r, 3, left, 4, left + 1);
        }
        Response refused = convert("203.0.113.7");
        refused.then().statusCode(429);
        assertThat(refused.jsonPath().getString("error")).isEqualTo("rate_limited");
        assertThat(refused.jsonPath().getString("message"))
                .contains("at most 3 per hour for anonymous callers (counted by client address)");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 3600L);
        assertLeft(refused, 3, 0, 4, 1);

        // another address has its own counts, and so has the proxy itself
        Response other = convert("203.0.113.8");
        other.then().statusCode(202);
        assertLeft(other, 3, 2, 4, 3);
        given().multiPart("file", "a.png", TestImages.png(16, 16), "image/png").post("/api/v1/convert")
                .then().statusCode(202).header("X-RateLimit-Remaining", "2");
        assertThat(rows(pool, "conversions", "anon:203.0.113.7")).isEqualTo(3);
    }

    @Test
    void anAnonymousBatchOverTheDailyQuotaIsRefusedWhole() {
        String address = "198.51.100.23";
        batch(address, 3).then().statusCode(202).header("X-Quota-Remaining", "1");
        Response over = batch(address, 2);
        over.then().statusCode(429);
        assertThat(over.jsonPath().getString("error")).isEqualTo("quota_exceeded");
        assertThat(over.jsonPath().getString("message")).contains("daily quota of 4 conversions for anonymous callers");
        assertThat(rows(pool, "conversions", "anon:" + address)).isEqualTo(3);
        assertThat(rows(pool, "jobs", "anon:" + address)).isEqualTo(1);
        Response last = convert(address);
        last.then().statusCode(202);
        assertLeft(last, 3, 1, 4, 0);
        Response none = convert(address);
        none.then().statusCode(429);
        assertThat(none.jsonPath().getString("error")).isEqualTo("quota_exceeded");
        assertThat(rows(pool, "conversions", "anon:" + address)).isEqualTo(4);
    }

    @Test
    void eachPlanHasItsLimitsAndAKeysOwnNumbersReplaceThem() {
        var free = createKey("free", Map.of());
        assertLeft(convert(free.key(), 202), 4, 3, 8, 7);
        var professional = createKey("professional", Map.of());
        for (int left = 5; left >= 0; left--) {
            assertLeft(convert(professional.key(), 202), 6, left, 12, left + 6);
        }
        assertLeft(convert(professional.key(), 429), 6, 0, 12, 6);

        var fewer = createKey("professional", Map.of("requests_per_minute", 2));
        assertLeft(convert(fewer.key(), 202), 2, 1, 12, 11);
        var smallQuota = createKey("free", Map.of("conversions_per_day", 1));
        assertLeft(convert(smallQuota.key(), 202), 4, 3, 1, 0);
        Response refused = convert(smallQuota.key(), 429);
        assertThat(refused.jsonPath().getString("error")).isEqualTo("quota_exceeded");
        var more = createKey("free", Map.of("requests_per_minute", 100, "conversions_per_day", 1000));
        assertLeft(convert(more.key(), 202), 100, 99, 1000, 999);
    }

    private static Response convert(String forwardedFor) {
        return given().header("X-Forwarded-For", forwardedFor)
                .multiPart("file", "a.png", TestImages.png(16, 16), "image/png").post("/api/v1/convert");
    }

    private static Response convert(String key, int status) {
        Response r = given().header("Authorization", "Bearer " + key)
                .multiPart("file", "a.png", TestImages.png(16, 16), "image/png").post("/api/v1/convert");
        r.then().statusCode(status);
        return r;
    }

    private static Response batch(String forwardedFor, int files) {
        Map<String, byte[]> inputs = new LinkedHashMap<>();
        for (int i = 0; i < files; i++) {
            inputs.put("p" + i + ".png", TestImages.png(16 + i, 16));
        }
        return Batches.upload(inputs).header("X-Forwarded-For", forwardedFor).post("/api/v1/convert/batch");
    }
}
