package dev.pixmill.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.pixmill.support.Conversions.awaitEnd;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Progress as Server-Sent Events: one status event per change, ending after the final state. */
@QuarkusTest
class ConvertEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Test
    void streamsStatusChangesUntilCompleted() throws Exception {
        String id = start();
        List<JsonNode> events = readEvents(id);
        assertThat(events).isNotEmpty();
        assertThat(events.getLast().get("status").asText()).isEqualTo("completed");
        assertThat(events.getLast().get("download_url").asText()).startsWith("/api/v1/download/");
        assertThat(events.stream().map(e -> e.get("status").asText()).distinct().toList())
                .containsSubsequence("completed")
                .allMatch(s -> List.of("pending", "processing", "completed").contains(s));
    }

    @Test
    void lateSubscriberGetsOneFinalEventAtOnce() throws Exception {
        String id = start();
        awaitEnd(id);
        long t0 = System.nanoTime();
        List<JsonNode> events = readEvents(id);
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().get("status").asText()).isEqualTo("completed");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    private static String start() {
        return given().multiPart("file", "p.png", TestImages.png(800, 600), "image/png")
                .multiPart("output_format", "webp").post("/api/v1/convert")
                .then().statusCode(202).extract().path("id");
    }

    /** Reads the whole stream (it must end by itself) and returns the data of every 'status' event. */
    private List<JsonNode> readEvents(String id) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/v1/convert/" + id + "/events"))
                .timeout(Duration.ofSeconds(30)).header("Accept", "text/event-stream").build();
        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            String line;
            while ((line = reader.readLine()) != null) {
                // only standard SSE fields (a stray "content-type:" line was sent once)
                assertThat(line.isEmpty() || line.startsWith("event:") || line.startsWith("data:")
                        || line.startsWith("id:") || line.startsWith(":")).as(line).isTrue();
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    assertThat(event).isEqualTo("status");
                    events.add(JSON.readTree(line.substring(5).strip()));
                }
            }
        }
        return events;
    }
}
