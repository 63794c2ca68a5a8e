package dev.pixmill.accounts;

import dev.pixmill.support.Conversions;
import dev.pixmill.support.RateLimits;
import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.pixmill.support.RateLimits.assertUnlimited;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request window in real time, shortened to 4 s so that tests can outlast it: the conversion
 * dialect's quickstart (one anonymous conversion, then a status poll every second) for longer
 * than the window, with a limit of 2 requests per window; and a window that ends letting a
 * refused caller in again.
 */
@QuarkusTest
@TestProfile(RequestWindowTest.ShortWindow.class)
class RequestWindowTest {

    static final int WINDOW = 4;

    public static class ShortWindow implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pixmill.limits.request-window", WINDOW + "S",
                    "pixmill.limits.anonymous.requests-per-minute", "2",
                    "pixmill.limits.anonymous.conversions-per-day", "100");
        }
    }

    @Inject
    Pool pool;

    @BeforeEach
    void freshCounts() {
        RateLimits.clear(pool);
    }

    @Test
    void theQuickstartPollingOnceASecondForLongerThanTheWindowIsNeverRefused() throws InterruptedException {
        String id = convert().then().statusCode(202).extract().path("id");
        long end = System.nanoTime() + (WINDOW + 3) * 1_000_000_000L;
        int polls = 0;
        JsonPath status = null;
        while (System.nanoTime() < end) {
            Response r = given().get("/api/v1/convert/{id}/status", id);
            r.then().statusCode(200);
            assertUnlimited(r);
            status = r.jsonPath();
            polls++;
            Thread.sleep(1000);
        }
        assertThat(polls).isGreaterThan(WINDOW + 1);
        assertThat(status.getString("status")).isEqualTo("completed");
        for (int i = 0; i < 3; i++) {
            given().get(status.getString("download_url")).then().statusCode(200);
        }
        // and the polls took nothing from the creating requests' window
        assertThat(convert().then().statusCode(202).extract().header("X-RateLimit-Limit")).isEqualTo("2");
    }

    @Test
    void aWindowThatEndsLetsARefusedCallerInAgain() throws InterruptedException {
        RateLimits.awaitRoomInWindow(pool, WINDOW, 3);
        convert().then().statusCode(202).header("X-RateLimit-Remaining", "1");
        convert().then().statusCode(202).header("X-RateLimit-Remaining", "0");
        Response refused = convert();
        refused.then().statusCode(429);
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, (long) WINDOW);
        assertThat(refused.header("X-RateLimit-Reset")).isEqualTo(String.valueOf(retryAfter));

        Thread.sleep(retryAfter * 1000 + 250);
        Response again = convert();
        again.then().statusCode(202).header("X-RateLimit-Remaining", "1");
        Conversions.awaitEnd(again.jsonPath().getString("id"));
    }

    private static Response convert() {
        return given().multiPart("file", "a.png", TestImages.png(32, 24), "image/png").post("/api/v1/convert");
    }
}
