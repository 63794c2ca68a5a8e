package dev.pixmill.convert;

import dev.pixmill.engine.ImageFormat;
import dev.pixmill.support.Magic;
import dev.pixmill.support.Pictures;
import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;

import static dev.pixmill.support.Conversions.awaitEnd;
import static dev.pixmill.support.Conversions.download;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** smart_quality and target_kb on the conversion API, through the engine's compression searches. */
@QuarkusTest
class ConvertCompressionTest {

    static final byte[] PHOTO = TestImages.encode(Pictures.photo(800, 600), "jpg");

    @Test
    void smartQualityLevelsOrderTheirSizes() throws IOException {
        long high = converted(Map.of("output_format", "jpg", "smart_quality", "high")).length;
        long medium = converted(Map.of("output_format", "jpg", "smart_quality", "medium")).length;
        byte[] low = converted(Map.of("output_format", "jpg", "smart_quality", "LOW", "quality", "95"));
        assertThat(high).isGreaterThanOrEqualTo(medium);
        assertThat(medium).isGreaterThanOrEqualTo((long) low.length);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(low));
        assertThat(decoded.getWidth()).isEqualTo(800);
        // smart_quality overrides quality: low at "quality 95" is far below a q95 encode
        long q95 = converted(Map.of("output_format", "jpg", "quality", "95")).length;
        assertThat((long) low.length).isLessThan(q95);
    }

    @Test
    void targetKbLandsAtOrUnderTheTarget() throws IOException {
        byte[] webp = converted(Map.of("output_format", "webp", "target_kb", "20"));
        assertThat(Magic.matches(ImageFormat.WEBP, webp)).isTrue();
        assertThat(webp.length).isLessThanOrEqualTo(20 * 1024).isGreaterThan(10 * 1024);
        byte[] tiny = converted(Map.of("output_format", "jpg", "target_kb", "3"));
        assertThat(tiny.length).isLessThanOrEqualTo(3 * 1024);
        assertThat(ImageIO.read(new ByteArrayInputStream(tiny)).getWidth()).as("scaled down to fit").isLessThan(800);
    }

    @Test
    void badCompressionParametersAre400BeforeAnythingIsQueued() {
        refused(Map.of("smart_quality", "ultra"), "smart_quality");
        refused(Map.of("target_kb", "0"), "target_kb");
        refused(Map.of("target_kb", "51201"), "target_kb");
        refused(Map.of("target_kb", "50", "quality", "80"), "target_kb");
        refused(Map.of("target_kb", "50", "smart_quality", "low"), "target_kb");
        refused(Map.of("target_kb", "50", "output_format", "png"), "lossy");
        // webhooks need a key (webhooks/WebhookDeliveryTest covers them)
        given().multiPart("file", "p.jpg", PHOTO, "image/jpeg").multiPart("webhook_url", "https://example.com/hook")
                .post("/api/v1/convert").then().statusCode(401).body("error", equalTo("missing_api_key"));
    }

    @Test
    void compressKeepsTheFormatAndFindsTheQuality() throws IOException {
        byte[] png = TestImages.encode(Pictures.graphic(640, 400), "png");
        JsonPath kept = compressed("g.png", png, Map.of());
        assertThat(kept.getString("output_format")).isEqualTo("png");
        byte[] result = download(kept);
        assertThat(Magic.matches(ImageFormat.PNG, result)).isTrue();
        assertThat(result.length).isLessThanOrEqualTo(png.length);
        assertThat(ImageIO.read(new ByteArrayInputStream(result)).getWidth()).isEqualTo(640);

        byte[] small = download(compressed("p.jpg", PHOTO, Map.of("target_kb", "20")));
        assertThat(Magic.matches(ImageFormat.JPEG, small)).isTrue();
        assertThat(small.length).isLessThanOrEqualTo(20 * 1024);

        byte[] webp = download(compressed("p.jpg", PHOTO, Map.of("output_format", "webp", "quality", "70")));
        assertThat(Magic.matches(ImageFormat.WEBP, webp)).isTrue();

        // the kept format decides: a png input has no size target
        given().multiPart("file", "g.png", png, "image/png").multiPart("target_kb", "20").post("/api/v1/compress")
                .then().statusCode(400).body("message", containsString("lossy"));
        given().multiPart("quality", "70").post("/api/v1/compress").then().statusCode(400)
                .body("error", equalTo("missing_file"));
    }

    private static JsonPath compressed(String name, byte[] bytes, Map<String, String> fields) {
        var request = given().multiPart("file", name, bytes, "application/octet-stream");
        fields.forEach(request::multiPart);
        String id = request.post("/api/v1/compress").then().statusCode(202).extract().path("id");
        JsonPath status = awaitEnd(id);
        assertThat(status.getString("status")).as(status.prettify()).isEqualTo("completed");
        return status;
    }

    private static void refused(Map<String, String> fields, String named) {
        var request = given().multiPart("file", "p.jpg", PHOTO, "image/jpeg");
        fields.forEach(request::multiPart);
        request.post("/api/v1/convert").then().statusCode(400).body("error", equalTo("invalid_parameter"))
                .body("message", containsString(named));
    }

    private static byte[] converted(Map<String, String> fields) {
        var request = given().multiPart("file", "p.jpg", PHOTO, "image/jpeg");
        fields.forEach(request::multiPart);
        String id = request.post("/api/v1/convert").then().statusCode(202).extract().path("id");
        JsonPath status = awaitEnd(id);
        assertThat(status.getString("status")).as(status.prettify()).isEqualTo("completed");
        return download(status);
    }
}
