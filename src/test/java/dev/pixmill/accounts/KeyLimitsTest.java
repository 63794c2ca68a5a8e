package dev.pixmill.accounts;

import dev.pixmill.support.RateLimits;
import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.pixmill.support.RateLimits.assertLeft;
import static dev.pixmill.support.RateLimits.createKey;
import static dev.pixmill.support.RateLimits.rows;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits set on a key ({@code limits.requests_per_minute}, {@code conversions_per_day}) in every
 * dialect that creates work, under the suite's own raised plan limits: the headers of each
 * answer, the 429 in each dialect's shape, what counts and what is given back.
 */
@QuarkusTest
class KeyLimitsTest {

    @Inject
    Pool pool;

    @BeforeEach
    void roomInTheMinute() {
        RateLimits.awaitRoomInWindow(pool, 60, 15);
    }

    @Test
    void conversionAnswersCarryTheHeadersAndTheThirdRequestIsRefusedInTheDefaultShape() {
        var key = createKey("free", Map.of("requests_per_minute", 2, "conversions_per_day", 100));
        Response first = convert(key.key(), "/api/v1/convert");
        first.then().statusCode(202);
        assertLeft(first, 2, 1, 100, 99);
        Response second = convert(key.key(), "/api/v1/compress");
        second.then().statusCode(202);
        assertLeft(second, 2, 0, 100, 98);

        Response refused = convert(key.key(), "/api/v1/resize");
        refused.then().statusCode(429).contentType("application/json");
        assertThat(refused.jsonPath().getString("error")).isEqualTo("rate_limited");
        assertThat(refused.jsonPath().getString("message")).contains("at most 2 per minute for this API key");
        assertLeft(refused, 2, 0, 100, 98);
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 60L).isEqualTo(Long.parseLong(refused.header("X-RateLimit-Reset")));
        assertThat(rows(pool, "conversions", key.owner())).isEqualTo(2);
    }

    private static Response convert(String key, String path) {
        var request = given().header("X-API-Key", key).multiPart("file", "a.png", TestImages.png(24, 16), "image/png");
        if (path.endsWith("resize")) {
            request.multiPart("width", "12");
        }
        return request.post(path);
    }
}
