package dev.pixmill.convert;

import dev.pixmill.engine.ImageFormat;
import dev.pixmill.support.Magic;
import dev.pixmill.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Map;

import static dev.pixmill.support.Conversions.awaitEnd;
import static dev.pixmill.support.Conversions.download;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Conversions from a URL. The test profile allows loopback, so Pixmill fetches one of its own
 * downloads; {@link RestrictedProfileTest} proves the default refuses loopback.
 */
@QuarkusTest
class ConvertUrlTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void convertsAFetchedImage() {
        String firstId = given().multiPart("file", "source.png", TestImages.png(300, 200), "image/png")
                .multiPart("output_format", "png").post("/api/v1/convert").then().statusCode(202).extract().path("id");
        String sourceUrl = base + awaitEnd(firstId).getString("download_url").substring(1);

        String id = given().contentType("application/json")
                .body(Map.of("url", sourceUrl, "output_format", "avif", "width", 150))
                .post("/api/v1/convert/url")
                .then().statusCode(202).body("output_format", equalTo("avif")).extract().path("id");
        JsonPath status = awaitEnd(id);
        assertThat(status.getString("status")).isEqualTo("completed");
        assertThat(status.getInt("width")).isEqualTo(150);
        assertThat(status.getInt("height")).isEqualTo(100);
        assertThat(Magic.matches(ImageFormat.AVIF, download(status))).isTrue();
    }

    @Test
    void refusesMetadataAddressesAndOtherSchemes() {
        for (String url : new String[] { "http://169.254.169.254/latest/meta-data/", "gopher://127.0.0.1/",
                "ftp://example.invalid/a.png" }) {
            given().contentType("application/json").body(Map.of("url", url)).post("/api/v1/convert/url")
                    .then().statusCode(400).body("error", equalTo("url_not_allowed"));
        }
    }

    @Test
    void upstreamErrorsAreReported() {
        given().contentType("application/json").body(Map.of("url", base + "api/v1/download/missing"))
                .post("/api/v1/convert/url")
                .then().statusCode(400).body("error", equalTo("url_fetch_failed"));
    }
}
