package dev.pixmill.tasks;

import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.support.Magic;
import dev.pixmill.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Random;
import java.util.UUID;

import static dev.pixmill.support.Tasks.PATH;
import static dev.pixmill.support.Tasks.awaitEnd;
import static dev.pixmill.support.Tasks.createKey;
import static dev.pixmill.support.Tasks.upload;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

/** The compression-task dialect over HTTP, against the real queue and engine; results are decoded. */
@QuarkusTest
class TasksFlowTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    Pool pool;

    @Inject
    ImageEngine engine;

    String key;

    @BeforeEach
    void newKey() {
        key = createKey("tasks");
    }

    @Test
    void asyncTaskIsPolledToSuccessAndItsUrlDownloadsTheImage() {
        long before = Instant.now().getEpochSecond();
        String taskId = upload(key, "photo.png", TestImages.png(640, 480), "image/png")
                .post(PATH).then().statusCode(200)
                .body("status", equalTo(200)).body("message", equalTo("success"))
                .body("data.task_id", matchesPattern("[0-9a-f-]{36}"))
                .extract().path("data.task_id");

        JsonPath task = awaitEnd(key, taskId);
        assertThat(task.getInt("state")).as(task.prettify()).isEqualTo(1);
        assertThat(task.getString("task_id")).isEqualTo(taskId);
        assertThat(task.getInt("progress")).isEqualTo(100);
        assertThat(task.getLong("created_at")).isBetween(before - 1, Instant.now().getEpochSecond());
        assertThat(task.getLong("processed_at")).isGreaterThanOrEqualTo(task.getLong("created_at"));
        assertThat(task.getLong("completed_at")).isGreaterThanOrEqualTo(task.getLong("processed_at"));
        assertThat(task.getMap("")).doesNotContainKey("state_detail");

        String image = task.getString("image");
        assertThat(image).startsWith(base + "api/v1/download/");
        byte[] bytes = given().get(image).then().statusCode(200).extract().asByteArray();
        assertThat(Magic.matches(ImageFormat.PNG, bytes)).isTrue(); // png in, png out
        BufferedImage decoded = decode(bytes);
        assertThat(decoded.getWidth()).isEqualTo(640);
        assertThat(decoded.getHeight()).isEqualTo(480);
    }

    @Test
    void syncTaskAnswersTheResultDirectly() {
        JsonPath answer = upload(key, "photo.jpg", TestImages.jpeg(400, 300), "image/jpeg").multiPart("sync", "1")
                .post(PATH).then().statusCode(200).body("status", equalTo(200)).extract().jsonPath().setRootPath("data");
        assertThat(answer.getInt("state")).as(answer.prettify()).isEqualTo(1);
        assertThat(answer.getInt("progress")).isEqualTo(100);
        assertThat(answer.getLong("completed_at")).isNotNull();
        byte[] bytes = given().get(answer.getString("image")).then().statusCode(200).extract().asByteArray();
        assertThat(Magic.matches(ImageFormat.JPEG, bytes)).isTrue();
        assertThat(decode(bytes).getWidth()).isEqualTo(400);
    }

    @Test
    void base64AnswerIsTheImageAndStaysSoOnLaterReads() {
        JsonPath answer = upload(key, "photo.png", TestImages.png(200, 100), "image/png").multiPart("sync", "1")
                .multiPart("return_type", "2").multiPart("format", "webp")
                .post(PATH).then().statusCode(200).extract().jsonPath().setRootPath("data");
        assertThat(answer.getInt("state")).as(answer.prettify()).isEqualTo(1);
        byte[] bytes = Base64.getDecoder().decode(answer.getString("image"));
        assertThat(Magic.matches(ImageFormat.WEBP, bytes)).isTrue();
        assertThat(engine.probe(bytes, new ImageLimits(20 << 20, 8000, 8000, 64, true)).width()).isEqualTo(200);

        String again = given().header("X-API-KEY", key).get(PATH + "/{id}", answer.getString("task_id"))
                .then().statusCode(200).extract().path("data.image");
        assertThat(again).isEqualTo(answer.getString("image"));
    }

    @Test
    void qualityAndTargetSizeShapeTheResult() {
        byte[] noisy = noise(1200, 900);
        byte[] low = syncImage(upload(key, "n.jpg", noisy, "image/jpeg").multiPart("quality", "20"));
        byte[] high = syncImage(upload(key, "n.jpg", noisy, "image/jpeg").multiPart("quality", "95"));
        assertThat(Magic.matches(ImageFormat.JPEG, low)).isTrue();
        assertThat(decode(low).getWidth()).isEqualTo(1200);
        assertThat(low.length).isLessThan(high.length);

        byte[] target = syncImage(upload(key, "n.jpg", noisy, "image/jpeg").multiPart("kbyte", "60"));
        assertThat(target.length).isLessThanOrEqualTo(60 * 1024).isGreaterThan(0);
        assertThat(Magic.matches(ImageFormat.JPEG, target)).isTrue();
        decode(target);

        // far below what any quality reaches at full size: scaled down until it fits
        byte[] tiny = syncImage(upload(key, "n.jpg", noisy, "image/jpeg").multiPart("kbyte", "8"));
        assertThat(tiny.length).isLessThanOrEqualTo(8 * 1024);
        assertThat(decode(tiny).getWidth()).isLessThan(1200);

        // kbyte 0 is "no target", so it goes with quality
        assertThat(decode(syncImage(upload(key, "n.jpg", noisy, "image/jpeg").multiPart("kbyte", "0")
                .multiPart("quality", "50"))).getWidth()).isEqualTo(1200);
    }

    @Test
    void widthAndHeightResizeKeepingTheAspectRatio() {
        byte[] png = TestImages.png(640, 480);
        BufferedImage w = decode(syncImage(upload(key, "a.png", png, "image/png").multiPart("width", "320")));
        assertThat(w.getWidth()).isEqualTo(320);
        assertThat(w.getHeight()).isEqualTo(240);
        BufferedImage h = decode(syncImage(upload(key, "a.png", png, "image/png").multiPart("height", "120")
                .multiPart("width", "0")));
        assertThat(h.getWidth()).isEqualTo(160);
        assertThat(h.getHeight()).isEqualTo(120);
        BufferedImage box = decode(syncImage(upload(key, "a.png", png, "image/png").multiPart("width", "100")
                .multiPart("height", "100")));
        assertThat(box.getWidth()).isEqualTo(100);
        assertThat(box.getHeight()).isEqualTo(75);
        BufferedImage larger = decode(syncImage(upload(key, "a.png", png, "image/png").multiPart("width", "8000")));
        assertThat(larger.getWidth()).as("never upscaled").isEqualTo(640);
    }

    @Test
    void theOutputFormatDefaultsToTheInputOrToWhatSuitsIt() {
        BufferedImage opaque = TestImages.picture(64, 48, false);
        BufferedImage transparent = TestImages.picture(64, 48, true);
        assertFormat(TestImages.jpeg(64, 48), "image/jpeg", null, ImageFormat.JPEG);
        assertFormat(TestImages.png(64, 48), "image/png", null, ImageFormat.PNG);
        assertFormat(TestImages.encode(opaque, "png"), "image/png", null, ImageFormat.PNG); // png stays png
        assertFormat(webp(TestImages.png(64, 48)), "image/webp", null, ImageFormat.WEBP);
        assertFormat(TestImages.bmpWithAlpha(transparent), "image/bmp", null, ImageFormat.PNG);
        assertFormat(TestImages.encode(opaque, "bmp"), "image/bmp", null, ImageFormat.JPEG);
        assertFormat(TestImages.encode(opaque, "tiff"), "image/tiff", null, ImageFormat.JPEG);
        assertFormat(TestImages.encode(transparent, "tiff"), "image/tiff", null, ImageFormat.PNG);
        assertFormat(TestImages.encode(opaque, "gif"), "image/gif", null, ImageFormat.JPEG);
        assertFormat(transparentGif(), "image/gif", null, ImageFormat.PNG);
        // asked for
        assertFormat(TestImages.png(64, 48), "image/png", "jpeg", ImageFormat.JPEG);
        assertFormat(TestImages.jpeg(64, 48), "image/jpeg", "webp", ImageFormat.WEBP);
        assertFormat(TestImages.encode(opaque, "bmp"), "image/bmp", "png", ImageFormat.PNG);
    }

    @Test
    void anImageUrlIsFetchedAndRefusedUrlsAreRequestErrors() throws Exception {
        byte[] png = TestImages.png(300, 200);
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/pic.png", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "image/png");
            exchange.sendResponseHeaders(200, png.length);
            exchange.getResponseBody().write(png);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/pic.png";
            // multipart with image_url
            JsonPath multipart = given().header("X-API-KEY", key).multiPart("image_url", url).multiPart("sync", "1")
                    .multiPart("width", "150").post(PATH).then().statusCode(200).extract().jsonPath().setRootPath("data");
            assertThat(multipart.getInt("state")).as(multipart.prettify()).isEqualTo(1);
            BufferedImage fetched = decode(given().get(multipart.getString("image")).asByteArray());
            assertThat(fetched.getWidth()).isEqualTo(150);
            assertThat(fetched.getHeight()).isEqualTo(100);

            // URL-encoded, asynchronous, base64
            String taskId = given().header("X-API-KEY", key).contentType("application/x-www-form-urlencoded")
                    .formParam("image_url", url).formParam("return_type", "2").formParam("format", "jpg")
                    .post(PATH).then().statusCode(200).body("status", equalTo(200)).extract().path("data.task_id");
            JsonPath task = awaitEnd(key, taskId);
            assertThat(task.getInt("state")).isEqualTo(1);
            byte[] jpeg = Base64.getDecoder().decode(task.getString("image"));
            assertThat(Magic.matches(ImageFormat.JPEG, jpeg)).isTrue();
            assertThat(decode(jpeg).getWidth()).isEqualTo(300);
        } finally {
            server.stop(0);
        }
        given().header("X-API-KEY", key).contentType("application/x-www-form-urlencoded")
                .formParam("image_url", "http://169.254.169.254/latest/meta-data/").post(PATH)
                .then().statusCode(400).body("status", equalTo(400)).body("data", nullValue());
        given().header("X-API-KEY", key).multiPart("image_url", "ftp://example.invalid/a.png").post(PATH)
                .then().statusCode(400).body("status", equalTo(400));
        given().header("X-API-KEY", key).multiPart("image_url", base + "api/v1/download/missing").post(PATH)
                .then().statusCode(400).body("status", equalTo(400));
    }

    @Test
    void keysAreRequiredAndOwnTheirTasks() {
        byte[] png = TestImages.png(16, 16);
        given().multiPart("image_file", "a.png", png, "image/png").post(PATH).then().statusCode(401)
                .body("status", equalTo(401)).body("data", nullValue()).body("message", matchesPattern(".*X-API-KEY.*"));
        // only X-API-KEY counts in this dialect
        given().header("Authorization", "Bearer " + key).multiPart("image_file", "a.png", png, "image/png").post(PATH)
                .then().statusCode(401);
        upload("kp_" + "x".repeat(32), "a.png", png, "image/png").post(PATH).then().statusCode(401)
                .body("status", equalTo(401));
        given().header("X-API-KEY", "not-a-key").get(PATH + "/{id}", UUID.randomUUID().toString()).then()
                .statusCode(401).body("status", equalTo(401));

        String taskId = upload(key, "a.png", png, "image/png").post(PATH).then().statusCode(200)
                .extract().path("data.task_id");
        String other = createKey("someone else");
        given().header("X-API-KEY", other).get(PATH + "/{id}", taskId).then().statusCode(404)
                .body("status", equalTo(404)).body("data", nullValue());
        given().header("X-API-KEY", key).get(PATH + "/{id}", UUID.randomUUID().toString()).then().statusCode(404)
                .body("status", equalTo(404));
        given().header("X-API-KEY", key).get(PATH + "/{id}", "not-a-uuid").then().statusCode(404)
                .body("status", equalTo(404));
        given().header("X-API-KEY", key).get(PATH + "/{id}", taskId).then().statusCode(200);
        // a conversion of the conversion API is no task, even for its owner
        String conversion = given().header("X-API-KEY", key).multiPart("file", "a.png", png, "image/png")
                .post("/api/v1/convert").then().statusCode(202).extract().path("id");
        given().header("X-API-KEY", key).get(PATH + "/{id}", conversion).then().statusCode(404);
    }

    @Test
    void aKeyWithTheTaskApiSwitchedOffIsForbidden() {
        String off = given().header("Authorization", "Bearer test-operator-token").contentType("application/json")
                .body(java.util.Map.of("name", "no tasks", "limits", java.util.Map.of("disabled_apis",
                        java.util.List.of("tasks"))))
                .post("/api/admin/keys").then().statusCode(201).extract().path("key");
        upload(off, "a.png", dev.pixmill.support.TestImages.png(16, 16), "image/png").post(PATH).then().statusCode(403)
                .body("status", equalTo(403)).body("message", org.hamcrest.Matchers.containsString("disabled"))
                .body("data", nullValue());
    }

    @Test
    void badRequestsAreRefusedInTheEnvelope() {
        byte[] png = TestImages.png(16, 16);
        given().header("X-API-KEY", key).multiPart("sync", "1").post(PATH).then().statusCode(400)
                .body("status", equalTo(400)).body("data", nullValue());
        upload(key, "a.png", png, "image/png").multiPart("image_url", "http://example.com/a.png").post(PATH)
                .then().statusCode(400).body("status", equalTo(400)).body("message", matchesPattern(".*not both.*"));
        // a text part named image_file is taken as the file's bytes: here not an image
        given().header("X-API-KEY", key).multiPart("image_file", "abc").post(PATH).then().statusCode(415)
                .body("status", equalTo(415));
        given().header("X-API-KEY", key).contentType("application/x-www-form-urlencoded").formParam("sync", "0")
                .post(PATH).then().statusCode(400).body("status", equalTo(400));
        given().header("X-API-KEY", key).contentType("application/x-www-form-urlencoded")
                .formParam("image_file", "abc").post(PATH).then().statusCode(400).body("status", equalTo(400));
        given().header("X-API-KEY", key).contentType("application/x-www-form-urlencoded")
                .formParam("image_url", "http://example.com/a.png").formParam("sync", "0").formParam("sync", "1")
                .post(PATH).then().statusCode(400).body("message", matchesPattern(".*sync.*more than once.*"));
        refused(upload(key, "a.png", png, "image/png").multiPart("quality", "50").multiPart("kbyte", "100"), 400);
        refused(upload(key, "a.png", png, "image/png").multiPart("format", "png").multiPart("kbyte", "100"), 400);
        // png input, no format: the result would be png, which has no size target
        refused(upload(key, "a.png", png, "image/png").multiPart("kbyte", "100"), 400);
        String[][] bad = { { "quality", "0" }, { "quality", "101" }, { "quality", "high" }, { "kbyte", "-1" },
                { "kbyte", "51201" }, { "width", "8001" }, { "height", "-1" }, { "sync", "2" }, { "return_type", "3" },
                { "return_type", "0" }, { "format", "gif" }, { "format", "avif" } };
        for (String[] field : bad) {
            String message = upload(key, "a.png", png, "image/png").multiPart(field[0], field[1]).post(PATH)
                    .then().statusCode(400).body("status", equalTo(400)).body("data", nullValue())
                    .extract().path("message");
            assertThat(message).as("%s=%s", field[0], field[1]).contains(field[0]);
        }
        given().header("X-API-KEY", key).contentType("application/json").body("{}").post(PATH).then()
                .statusCode(415).body("status", equalTo(415));
    }

    @Test
    void inputsOverTheLimitsOrOfOtherFormatsAreRefused() {
        refused(upload(key, "bomb.png", TestImages.pngBomb(9000, 100), "image/png"), 413);
        refused(upload(key, "bomb.png", TestImages.pngBomb(100, 8001), "image/png"), 413);
        byte[] huge = new byte[20 * 1024 * 1024 + 1];
        System.arraycopy(TestImages.png(8, 8), 0, huge, 0, 8);
        refused(upload(key, "huge.png", huge, "image/png"), 413);
        byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        refused(upload(key, "a.svg", svg, "image/svg+xml"), 415);
        byte[] avif = engine.convert(TestImages.png(32, 32), new ConversionSpec(ImageFormat.AVIF, 60, null, null, false,
                false, new ImageLimits(20 << 20, 8000, 8000, 64, true), Duration.ofSeconds(30))).bytes();
        refused(upload(key, "a.avif", avif, "image/avif"), 415);
        refused(upload(key, "a.txt", "hello, world".getBytes(), "text/plain"), 415);
        refused(upload(key, "empty.png", new byte[0], "image/png"), 400);
        // a known format that cannot be read
        refused(upload(key, "cut.png", java.util.Arrays.copyOf(TestImages.png(64, 64), 30), "image/png"), 422);
    }

    @Test
    void failedTasksCarryTheirStateAndDetail() throws Exception {
        String owner = ownerOf(key);
        assertFailed(owner, "timeout", "processing took longer than the limit of 60 s", -5);
        assertFailed(owner, "invalid_image", "the PNG image cannot be decoded (corrupt or truncated file)", -7);
        assertFailed(owner, "unsupported_format", "not an image", -7);
        assertFailed(owner, "image_too_large", "image is 9000x9000 pixels; the limit is 8000x8000", -8);
        assertFailed(owner, "file_too_large", "file is too large", -8);
        assertFailed(owner, "processing_failed", "the image could not be processed", -1);
        assertFailed(owner, "interrupted", "processing was interrupted 3 times; giving up", -1);
    }

    @Test
    void eachTaskRecordsItsCost() {
        String small = upload(key, "a.png", TestImages.png(4096, 10), "image/png").post(PATH)
                .then().statusCode(200).extract().path("data.task_id");
        String large = upload(key, "b.png", TestImages.png(5000, 10), "image/png").post(PATH)
                .then().statusCode(200).extract().path("data.task_id");
        String tall = upload(key, "c.png", TestImages.png(10, 4097), "image/png").post(PATH)
                .then().statusCode(200).extract().path("data.task_id");
        assertThat(credits(small)).isEqualTo(1);
        assertThat(credits(large)).isEqualTo(2);
        assertThat(credits(tall)).isEqualTo(2);
        assertThat(awaitEnd(key, large).getInt("state")).isEqualTo(1);
        String conversion = given().multiPart("file", "a.png", TestImages.png(8, 8), "image/png")
                .post("/api/v1/convert").then().statusCode(202).extract().path("id");
        assertThat(credits(conversion)).as("other kinds are not charged per image").isNull();
    }

    @Test
    void theOpenApiDocumentDescribesTheDialect() {
        JsonPath api = given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        assertThat(api.getMap("paths.'" + PATH + "'.post.requestBody.content"))
                .containsKeys("multipart/form-data", "application/x-www-form-urlencoded");
        assertThat(api.getMap("paths.'" + PATH + "/{task_id}'.get.responses")).containsKeys("200", "401", "404");
    }

    // --- helpers -----------------------------------------------------------------------------

    private void assertFormat(byte[] input, String type, String format, ImageFormat expected) {
        var request = upload(key, "in", input, type);
        if (format != null) {
            request = request.multiPart("format", format);
        }
        byte[] out = syncImage(request);
        assertThat(Magic.matches(expected, out)).as("%s with format=%s gives %s", type, format, expected).isTrue();
    }

    /** Posts with sync=1 (unless given) and returns the downloaded result. */
    private byte[] syncImage(io.restassured.specification.RequestSpecification request) {
        JsonPath answer = request.multiPart("sync", "1").post(PATH).then().statusCode(200).extract().jsonPath()
                .setRootPath("data");
        assertThat(answer.getInt("state")).as(answer.prettify()).isEqualTo(1);
        return given().get(answer.getString("image")).then().statusCode(200).extract().asByteArray();
    }

    private static void refused(io.restassured.specification.RequestSpecification request, int status) {
        request.post(PATH).then().statusCode(status).body("status", equalTo(status)).body("data", nullValue())
                .body("message", matchesPattern(".+"));
    }

    private void assertFailed(String owner, String code, String message, int state) {
        UUID id = UUID.randomUUID();
        pool.preparedQuery("""
                        insert into conversions (id, owner, kind, status, params, input_format, input_size,
                            output_format, progress, error_code, error_message, created_at, started_at, completed_at,
                            expires_at, credits)
                        values ($1, $2, 'imgcompress', 'failed', '{}', 'png', 10, 'png', 100, $3, $4,
                            now() - interval '3 seconds', now() - interval '2 seconds', now(), now() + interval '1 hour', 1)""")
                .execute(Tuple.of(id, owner, code, message)).await().indefinitely();
        JsonPath task = given().header("X-API-KEY", key).get(PATH + "/{id}", id.toString()).then().statusCode(200)
                .body("status", equalTo(200)).extract().jsonPath().setRootPath("data");
        assertThat(task.getInt("state")).as(code).isEqualTo(state);
        assertThat(task.getString("state_detail")).isEqualTo(message);
        assertThat(task.getString("image")).isNull();
        assertThat(task.getLong("completed_at")).isGreaterThanOrEqualTo(task.getLong("processed_at"));
    }

    private String ownerOf(String apiKey) {
        String hash = dev.pixmill.security.Tokens.sha256(apiKey);
        return "key:" + pool.preparedQuery("select id from api_keys where key_hash = $1").execute(Tuple.of(hash))
                .await().indefinitely().iterator().next().getUUID(0);
    }

    private Integer credits(String id) {
        return pool.preparedQuery("select credits from conversions where id = $1").execute(Tuple.of(UUID.fromString(id)))
                .await().indefinitely().iterator().next().getInteger(0);
    }

    private byte[] webp(byte[] png) {
        return engine.convert(png, new ConversionSpec(ImageFormat.WEBP, 80, null, null, false, false,
                new ImageLimits(20 << 20, 8000, 8000, 64, true), Duration.ofSeconds(30))).bytes();
    }

    /** A palette GIF whose colour 0 is transparent. */
    private static byte[] transparentGif() {
        var palette = new java.awt.image.IndexColorModel(8, 2, new byte[] { 0, (byte) 255 }, new byte[] { 0, 0 },
                new byte[] { 0, 0 }, 0);
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_INDEXED, palette);
        for (int y = 0; y < 30; y++) {
            for (int x = 20; x < 40; x++) {
                image.getRaster().setSample(x, y, 0, 1);
            }
        }
        return TestImages.encode(image, "gif");
    }

    /** Random pixels: hard to compress, so quality and size targets show. */
    private static byte[] noise(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = (x / 8 + y / 8) % 2 == 0 ? 60 : 190;
                image.setRGB(x, y, (v + random.nextInt(50)) << 16 | (v + random.nextInt(50)) << 8 | random.nextInt(255));
            }
        }
        return TestImages.encode(image, "jpg");
    }

    private static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            assertThat(image).as("decodable image").isNotNull();
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
