package dev.pixmill.convert;

import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static dev.pixmill.support.Conversions.awaitEnd;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Bad input gets a clear 4xx with a JSON body naming the problem; never a 500, never a hang. */
@QuarkusTest
class ConvertErrorsTest {

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL base;

    @Test
    void emptyFile() {
        upload(new byte[0]).then().statusCode(400).contentType("application/json").body("error", equalTo("empty_file"));
    }

    @Test
    void missingFile() {
        given().multiPart("output_format", "png").post("/api/v1/convert")
                .then().statusCode(400).body("error", equalTo("missing_file"));
    }

    @Test
    void randomBytesAndTextAreNotImages() {
        byte[] random = new byte[4096];
        new Random(7).nextBytes(random);
        random[0] = 0x13; // make sure no magic matches by chance
        upload(random).then().statusCode(415).body("error", equalTo("unsupported_format"));
        upload("just some text, not an image\n".getBytes(StandardCharsets.UTF_8))
                .then().statusCode(415).body("error", equalTo("unsupported_format"));
    }

    @Test
    void truncatedImagesFailClearly() {
        for (byte[] whole : new byte[][] { TestImages.jpeg(600, 400), TestImages.png(600, 400) }) {
            byte[] truncated = Arrays.copyOf(whole, whole.length / 2);
            var response = upload(truncated);
            if (response.statusCode() == 202) { // the header was readable: the conversion itself must fail
                JsonPath status = awaitEnd(response.path("id"));
                assertThat(status.getString("status")).isEqualTo("failed");
                assertThat(status.getString("error_message")).isNotBlank();
                assertThat(status.getString("download_url")).isNull();
            } else {
                response.then().statusCode(422).body("error", equalTo("invalid_image"));
            }
        }
    }

    @Test
    void pixelBombIsRefusedFromItsHeader() {
        long start = System.nanoTime();
        upload(TestImages.pngBomb(100_000, 100_000))
                .then().statusCode(413).body("error", equalTo("image_too_large"))
                .body("message", containsString("8000"));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void oversizeUploadIsRefused() {
        byte[] big = new byte[20 * 1024 * 1024 + 1];
        System.arraycopy(TestImages.jpeg(8, 8), 0, big, 0, 100);
        upload(big).then().statusCode(413).contentType("application/json").body("error", equalTo("file_too_large"))
                .body("message", containsString("20 MB"));
    }

    @Test
    void bodyOverTheHttpLimitGetsAJsonErrorToo() throws Exception {
        byte[] huge = new byte[30 * 1024 * 1024];
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "api/v1/convert"))
                .header("Content-Type", "multipart/form-data; boundary=x")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(huge)).build();
        var response = java.net.http.HttpClient.newHttpClient().send(request,
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(response.body()).contains("\"error\":\"file_too_large\"").contains("20 MB");
    }

    @Test
    void theOversizeAnswerEndsTheConnectionEvenForAKeepAliveClient() throws Exception {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.getOutputStream().write(("POST /api/v1/convert HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n"
                    + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 30000000\r\n\r\n--x")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.ISO_8859_1));
            StringBuilder head = new StringBuilder();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                head.append(line.toLowerCase(java.util.Locale.ROOT)).append('\n');
            }
            assertThat(head.toString()).contains(" 413 ").contains("connection: close").doesNotContain("keep-alive");
        }
    }

    @Test
    void invalidParameters() {
        byte[] png = TestImages.png(16, 16);
        given().multiPart("file", "a.png", png, "image/png").multiPart("output_format", "exe").post("/api/v1/convert")
                .then().statusCode(400).body("error", equalTo("invalid_parameter")).body("message", containsString("output_format"));
        given().multiPart("file", "a.png", png, "image/png").multiPart("quality", "0").post("/api/v1/convert")
                .then().statusCode(400).body("message", containsString("quality"));
        given().multiPart("file", "a.png", png, "image/png").multiPart("width", "wide").post("/api/v1/convert")
                .then().statusCode(400).body("message", containsString("width"));
        given().multiPart("file", "a.png", png, "image/png").multiPart("optimize_for", "myspace").post("/api/v1/convert")
                .then().statusCode(400).body("message", containsString("optimize_for"));
    }

    @Test
    void unknownConversionsAndDownloads() {
        given().get("/api/v1/convert/{id}/status", "3b241101-e2bb-4255-8caf-4136c566a962")
                .then().statusCode(404).body("error", equalTo("not_found"));
        given().get("/api/v1/convert/{id}/status", "not-a-uuid").then().statusCode(404).body("error", equalTo("not_found"));
        given().get("/api/v1/convert/{id}/events", "3b241101-e2bb-4255-8caf-4136c566a962")
                .then().statusCode(404).contentType("application/json");
        given().get("/api/v1/download/{token}", "nope").then().statusCode(404).body("error", equalTo("not_found"));
    }

    @Test
    void malformedJsonAndUrlBodies() {
        given().contentType("application/json").body("{not json").post("/api/v1/convert/url")
                .then().statusCode(400).contentType("application/json");
        given().contentType("application/json").body("{\"output_format\":\"png\"}").post("/api/v1/convert/url")
                .then().statusCode(400).body("error", equalTo("missing_url"));
        given().contentType("application/json").body("{\"url\":\"file:///etc/passwd\"}").post("/api/v1/convert/url")
                .then().statusCode(400).body("error", equalTo("url_not_allowed"));
        given().contentType("application/json").body("{\"url\":\"not a url\"}").post("/api/v1/convert/url")
                .then().statusCode(400);
    }

    private static io.restassured.response.Response upload(byte[] bytes) {
        return given().multiPart("file", "upload.bin", bytes, "application/octet-stream").post("/api/v1/convert");
    }
}
