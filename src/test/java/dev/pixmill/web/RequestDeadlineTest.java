package dev.pixmill.web;

import dev.pixmill.support.RawHttp;
import dev.pixmill.support.RawHttp.Answer;
import dev.pixmill.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static dev.pixmill.support.Conversions.awaitEnd;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Every request gets an answer in bounded time; streams that have started are left alone. */
@QuarkusTest
@TestProfile(RequestDeadlineTest.ShortDeadline.class)
class RequestDeadlineTest {

    public static class ShortDeadline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // 2 s, not less: the uploads and status polls of these tests must beat it on a loaded machine
            return Map.of("pixmill.http.request-timeout", "2s");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void aBodyThatNeverEndsGetsA503AndTheConnectionCloses() throws Exception {
        try (Socket socket = RawHttp.open(base)) {
            long start = System.nanoTime();
            RawHttp.write(socket, "POST /api/v1/convert HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: multipart/form-data; boundary=B\r\nContent-Length: 100000\r\n\r\n",
                    "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Answer answer = RawHttp.read(socket.getInputStream());
            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.header("content-type")).startsWith("application/json");
            assertThat(answer.json().getString("error")).isEqualTo("request_timeout");
            assertThat(answer.header("connection")).isEqualToIgnoringCase("close");
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(1_900L, 6_000L);
            assertThat(RawHttp.closesSoon(socket)).isTrue();
        }
    }

    @Test
    void aDownloadReadSlowerThanTheDeadlineIsWhole() throws Exception {
        String id = given().multiPart("file", "big.png", TestImages.png(1500, 1500), "image/png")
                .multiPart("output_format", "bmp").post("/api/v1/convert").then().statusCode(202).extract().path("id");
        JsonPath status = awaitEnd(id);
        try (Socket socket = RawHttp.open(base)) {
            RawHttp.write(socket, "GET " + status.getString("download_url") + " HTTP/1.1\r\nHost: localhost\r\n\r\n", new byte[0]);
            InputStream in = socket.getInputStream();
            Thread.sleep(3_000); // the client takes its time: the answer has started, so no deadline applies
            Answer answer = RawHttp.read(in);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body().length).isEqualTo(Integer.parseInt(answer.header("content-length"))).isGreaterThan(6_000_000);
        }
    }

    @Test
    void anEventStreamOutlivesTheDeadline() throws Exception {
        String id = given().multiPart("file", "a.png", TestImages.png(64, 64), "image/png")
                .post("/api/v1/convert").then().statusCode(202).extract().path("id");
        awaitEnd(id);
        try (Socket socket = RawHttp.open(base)) {
            RawHttp.write(socket, "GET /api/v1/convert/" + id + "/events HTTP/1.1\r\nHost: localhost\r\n\r\n", new byte[0]);
            Thread.sleep(2_500);
            Answer answer = RawHttp.read(socket.getInputStream());
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("content-type")).startsWith("text/event-stream");
            assertThat(answer.text()).contains("event:status").contains("completed");
        }
    }
}
