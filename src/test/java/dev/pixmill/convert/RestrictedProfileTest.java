package dev.pixmill.convert;

import dev.pixmill.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/**
 * Production defaults that the other tests relax: URL fetching refuses loopback, a full backlog
 * answers 503 with Retry-After, and without an operator token the admin API is off.
 */
@QuarkusTest
@TestProfile(RestrictedProfileTest.Defaults.class)
class RestrictedProfileTest {

    public static class Defaults implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pixmill.fetch.allow-private", "false", "pixmill.jobs.max-pending", "0",
                    "pixmill.admin.token", "");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void urlFetchingRefusesLoopbackByDefault() {
        for (String url : new String[] { base + "api/v1/presets", "http://localhost:" + base.getPort() + "/",
                "http://[::1]:" + base.getPort() + "/", "http://10.0.0.1/a.png", "http://192.168.1.1/a.png" }) {
            given().contentType("application/json").body(Map.of("url", url)).post("/api/v1/convert/url")
                    .then().statusCode(400).body("error", equalTo("url_not_allowed"));
        }
    }

    @Test
    void fullBacklogAnswers503WithRetryAfter() {
        given().multiPart("file", "a.png", TestImages.png(16, 16), "image/png").post("/api/v1/convert")
                .then().statusCode(503).header("Retry-After", notNullValue()).body("error", equalTo("service_busy"));
    }

    @Test
    void adminApiIsOffWithoutAToken() {
        given().header("Authorization", "Bearer anything").get("/api/admin/keys")
                .then().statusCode(403).body("error", equalTo("admin_disabled"));
    }
}
