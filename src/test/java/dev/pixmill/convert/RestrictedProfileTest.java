package dev.pixmill.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.jobs.ConversionParams;
import dev.pixmill.storage.DatabaseSettings;
import dev.pixmill.support.TestImages;
import io.restassured.path.json.JsonPath;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.pixmill.support.Conversions.awaitEnd;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/**
 * Production defaults that the other tests relax: URL fetching refuses loopback, a full backlog
 * answers 503 with Retry-After, and without an operator token the admin API is off. SSE streams
 * get no fallback re-read and workers no fallback poll here, so status changes and new work can
 * only arrive by NOTIFY.
 */
@QuarkusTest
@TestProfile(RestrictedProfileTest.Defaults.class)
class RestrictedProfileTest {

    public static class Defaults implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pixmill.fetch.allow-private", "false", "pixmill.jobs.max-pending", "0",
                    "pixmill.admin.token", "", "pixmill.jobs.status-recheck", "1H", "pixmill.jobs.poll-interval", "1H");
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
    void aChangeMadeByAnotherReplicaReachesTheStreamByNotify() throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection other = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password())) {
            // a job that another replica is working on
            try (PreparedStatement insert = other.prepareStatement("""
                    insert into conversions (id, owner, status, params, input_format, input_size, output_format,
                        lease_owner, lease_until, progress)
                    values (?, 'anon:127.0.0.1', 'processing', '{}', 'png', 10, 'webp', 'other-replica',
                        now() + interval '10 minutes', 10)""")) {
                insert.setObject(1, id);
                insert.executeUpdate();
            }
            HttpClient client = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> stream = client.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "api/v1/convert/" + id + "/events")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            var lines = stream.get(10, TimeUnit.SECONDS).body().iterator();
            assertThat(nextData(lines)).contains("\"status\":\"processing\"");

            // the other replica finishes: its own connection, its own transaction, a NOTIFY
            try (PreparedStatement done = other.prepareStatement("""
                    update conversions set status = 'completed', progress = 100, output_size = 5, output_width = 1,
                        output_height = 1, download_token = 'tok-' || id, completed_at = now(),
                        expires_at = now() + interval '1 hour', lease_owner = null, lease_until = null
                    where id = ?""");
                 PreparedStatement notify = other.prepareStatement("select pg_notify('pixmill_status', ?)")) {
                done.setObject(1, id);
                done.executeUpdate();
                notify.setString(1, id.toString());
                notify.execute();
            }
            // no fallback re-read in this profile: only the notification can bring this
            assertThat(CompletableFuture.supplyAsync(() -> nextData(lines)).get(10, TimeUnit.SECONDS))
                    .contains("\"status\":\"completed\"");
            assertThat(CompletableFuture.supplyAsync(() -> nextData(lines)).get(10, TimeUnit.SECONDS))
                    .as("the stream ends after the final state, with no further event").isEmpty();
        }
    }

    @Test
    void workEnqueuedByAnotherReplicaIsPickedUpByNotify() throws Exception {
        UUID id = UUID.randomUUID();
        byte[] png = TestImages.png(50, 40);
        try (Connection other = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password())) {
            other.setAutoCommit(false);
            try (PreparedStatement insert = other.prepareStatement("""
                    insert into conversions (id, owner, status, params, input_format, input_size, output_format)
                    values (?, 'anon:127.0.0.1', 'pending', ?, 'png', ?, 'webp')""");
                 PreparedStatement blob = other.prepareStatement(
                         "insert into blobs (conversion_id, role, content_type, data) values (?, 'input', 'image/png', ?)");
                 PreparedStatement notify = other.prepareStatement("select pg_notify('pixmill_work', ?)")) {
                insert.setObject(1, id);
                insert.setString(2, json.writeValueAsString(new ConversionParams(ImageFormat.WEBP, 80, 25, null, false,
                        false, new ImageLimits(20 << 20, 8000, 8000, 64, true))));
                insert.setLong(3, png.length);
                insert.executeUpdate();
                blob.setObject(1, id);
                blob.setBytes(2, png);
                blob.executeUpdate();
                notify.setString(1, id.toString());
                notify.execute();
            }
            other.commit();
        }
        // no fallback poll in this profile: only the work notification can start it
        JsonPath status = awaitEnd(id.toString(), Map.of());
        assertThat(status.getString("status")).isEqualTo("completed");
        assertThat(status.getInt("width")).isEqualTo(25);
        assertThat(status.getInt("height")).isEqualTo(20);
    }

    private static String nextData(java.util.Iterator<String> lines) {
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data:")) {
                return line;
            }
        }
        return "";
    }

    @Inject
    ObjectMapper json;

    @Inject
    DatabaseSettings database;

    @Test
    void adminApiIsOffWithoutAToken() {
        given().header("Authorization", "Bearer anything").get("/api/admin/keys")
                .then().statusCode(403).body("error", equalTo("admin_disabled"));
    }
}
