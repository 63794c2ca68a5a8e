package dev.pixmill.optimize;

import dev.pixmill.engine.ImageFormat;
import dev.pixmill.support.Magic;
import dev.pixmill.support.Pictures;
import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The optimize dialect, section 2 of the contract, end to end on real images. */
@QuarkusTest
class OptimizeApiTest {

    static final String OPERATOR = "Bearer test-operator-token";
    static String key;
    static byte[] photo;

    @Inject
    Pool pool;

    @Inject
    dev.pixmill.jobs.ConversionQueue queue;

    @BeforeEach
    void setUp() {
        if (key == null) { // the server is up only once the test instance exists
            key = createKey(Map.of());
            photo = TestImages.encode(Pictures.photo(800, 600), "jpg");
        }
    }

    @Test
    void binaryAnswerCarriesTheImageAndItsSizes() throws IOException {
        Response r = optimize(key, "p.jpg", photo, Map.of());
        r.then().statusCode(200).contentType("image/jpeg");
        byte[] body = r.asByteArray();
        assertThat(r.header("X-Original-Size")).isEqualTo(String.valueOf(photo.length));
        assertThat(r.header("X-Optimized-Size")).isEqualTo(String.valueOf(body.length));
        assertThat(r.header("X-Savings-Percent")).matches("\\d+\\.\\d");
        assertThat(Double.parseDouble(r.header("X-Savings-Percent")))
                .isCloseTo(100.0 * (photo.length - body.length) / photo.length, org.assertj.core.data.Offset.offset(0.06));
        assertThat(body.length).isLessThan(photo.length);
        BufferedImage decoded = decode(body);
        assertThat(decoded.getWidth()).isEqualTo(800);
        assertThat(decoded.getHeight()).isEqualTo(600);
        assertThat(r.header("Content-Disposition")).isEqualTo("inline; filename=\"p.jpg\"");
    }

    @Test
    void levelOneKeepsEveryPixelOfAPng() throws IOException {
        byte[] png = TestImages.encode(Pictures.graphic(640, 400), "png");
        Response r = optimize(key, "g.png", png, Map.of("quality", "1"));
        r.then().statusCode(200).contentType("image/png");
        BufferedImage before = decode(png);
        BufferedImage after = decode(r.asByteArray());
        assertThat(after.getWidth()).isEqualTo(before.getWidth());
        for (int y = 0; y < before.getHeight(); y++) {
            for (int x = 0; x < before.getWidth(); x++) {
                assertThat(after.getRGB(x, y)).as("pixel %d,%d", x, y).isEqualTo(before.getRGB(x, y));
            }
        }
        assertThat(r.asByteArray().length).isLessThanOrEqualTo(png.length);
    }

    @Test
    void aHigherLevelIsNeverLarger() {
        long previous = Long.MAX_VALUE;
        for (String level : new String[] { "1", "4", "7", "10" }) {
            long size = optimize(key, "p.jpg", photo, Map.of("quality", level)).then().statusCode(200)
                    .extract().asByteArray().length;
            assertThat(size).as("level %s", level).isLessThanOrEqualTo(previous).isLessThanOrEqualTo(photo.length);
            previous = size;
        }
    }

    @Test
    void whatCannotBeBeatenComesBackAsTheOriginalBytes() {
        // level 1 of an already re-coded JPEG finds nothing left to gain
        byte[] once = optimize(key, "p.jpg", photo, Map.of("quality", "1")).then().statusCode(200)
                .extract().asByteArray();
        Response again = optimize(key, "p.jpg", once, Map.of("quality", "1"));
        again.then().statusCode(200).header("X-Savings-Percent", "0.0");
        assertThat(again.asByteArray()).isEqualTo(once);
    }

    @Test
    void ratioFitsInsideAndNeverUpscales() throws IOException {
        BufferedImage fitted = decode(optimize(key, "p.jpg", photo, Map.of("ratio", "400x400")).then().statusCode(200)
                .extract().asByteArray());
        assertThat(fitted.getWidth()).isEqualTo(400);
        assertThat(fitted.getHeight()).isEqualTo(300);
        BufferedImage kept = decode(optimize(key, "p.jpg", photo, Map.of("ratio", "1600X1600")).then().statusCode(200)
                .extract().asByteArray());
        assertThat(kept.getWidth()).isEqualTo(800);
    }

    @Test
    void outputFormatIsKeptOrChosenOrConverted() {
        byte[] webp = optimize(key, "p.jpg", photo, Map.of("output_format", "webp")).then().statusCode(200)
                .contentType("image/webp").extract().asByteArray();
        assertThat(Magic.matches(ImageFormat.WEBP, webp)).isTrue();
        byte[] bmp = TestImages.encode(TestImages.picture(120, 80, false), "bmp");
        Response fromBmp = optimize(key, "scan.bmp", bmp, Map.of());
        fromBmp.then().statusCode(200).contentType("image/png").header("Content-Disposition", "inline; filename=\"scan.png\"");
        assertThat(Magic.matches(ImageFormat.PNG, fromBmp.asByteArray())).isTrue();
        byte[] avif = optimize(key, "p.jpg", photo, Map.of("output_format", "avif", "ratio", "200x200"))
                .then().statusCode(200).contentType("image/avif").extract().asByteArray();
        assertThat(Magic.matches(ImageFormat.AVIF, avif)).isTrue();
    }

    @Test
    void svgIsExemptFromThePixelLimit() throws IOException {
        String svg = "<svg xmlns='http://www.w3.org/2000/svg' width='2600' height='100'>"
                + "<rect width='2600' height='100' fill='#3060c0'/></svg>";
        Response r = optimize(key, "banner.svg", svg.getBytes(StandardCharsets.UTF_8), Map.of());
        r.then().statusCode(200).contentType("image/png");
        assertThat(decode(r.asByteArray()).getWidth()).isEqualTo(2600);
        // a raster of the same size is over the limit
        optimize(key, "wide.png", TestImages.png(2600, 100), Map.of()).then().statusCode(400)
                .body("error", org.hamcrest.Matchers.containsString("2000x2000"));
    }

    @Test
    void jsonAnswerGivesASingleUseDownload() throws IOException {
        JsonPath answer = optimize(key, "p.jpg", photo, Map.of("response", "json", "output_format", "webp"))
                .then().statusCode(200).contentType("application/json").extract().jsonPath();
        assertThat(answer.getBoolean("success")).isTrue();
        assertThat(answer.getLong("original_size")).isEqualTo(photo.length);
        assertThat(answer.getString("output_format")).isEqualTo("webp");
        assertThat(answer.getString("mime_type")).isEqualTo("image/webp");
        assertThat(answer.getString("expires_at")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
        assertThat(answer.getDouble("savings_percent"))
                .isCloseTo(100.0 * (photo.length - answer.getLong("optimized_size")) / photo.length,
                        org.assertj.core.data.Offset.offset(0.06));
        String url = answer.getString("download_url");
        assertThat(url).matches("/api/v1/optimize/download/[0-9A-Za-z_-]{20,}");

        byte[] image = given().get(url).then().statusCode(200).contentType("image/webp")
                .header("Content-Length", String.valueOf(answer.getLong("optimized_size"))).extract().asByteArray();
        assertThat(image).hasSize((int) answer.getLong("optimized_size"));
        assertThat(Magic.matches(ImageFormat.WEBP, image)).isTrue();
        given().get(url).then().statusCode(404).contentType("application/json")
                .body("error", org.hamcrest.Matchers.notNullValue()).body("message", org.hamcrest.Matchers.nullValue());
        // deleted right after the download, bytes and all
        assertThat(countOptimizeRowsWith(answer.getLong("optimized_size"))).isZero();
    }

    @Test
    void ofManyConcurrentDownloadsExactlyOneGetsTheImage() throws Exception {
        String url = optimize(key, "p.jpg", photo, Map.of("response", "json", "ratio", "300x300"))
                .then().statusCode(200).extract().path("download_url");
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(clients.submit((Callable<Integer>) () -> given().get(url).statusCode()));
            }
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> a : answers) {
                codes.add(a.get());
            }
            assertThat(codes).containsOnly(200, 404);
            assertThat(codes.stream().filter(c -> c == 200).count()).isEqualTo(1);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void aDownloadTakenOnOneReplicaIsGoneOnEveryOther() {
        String url = optimize(key, "p.jpg", photo, Map.of("response", "json", "ratio", "120x120"))
                .then().statusCode(200).extract().path("download_url");
        String token = url.substring(url.lastIndexOf('/') + 1);
        // another replica takes it with the same statement against the shared database...
        assertThat(queue.takeDownload(token, "optimize").await().indefinitely()).isNotNull();
        // ...so this one has nothing to give, and neither has a third
        given().get(url).then().statusCode(404);
        assertThat(queue.takeDownload(token, "optimize").await().indefinitely()).isNull();

        String served = optimize(key, "p.jpg", photo, Map.of("response", "json", "ratio", "120x120"))
                .then().statusCode(200).extract().path("download_url");
        given().get(served).then().statusCode(200);
        assertThat(queue.takeDownload(served.substring(served.lastIndexOf('/') + 1), "optimize")
                .await().indefinitely()).isNull();
    }

    @Test
    void aConversionTokenIsNoOptimizeDownload() {
        String convertToken = given().multiPart("file", "a.png", TestImages.png(16, 16), "image/png")
                .post("/api/v1/convert").then().statusCode(202).extract().path("id");
        String status = dev.pixmill.support.Conversions.awaitEnd(convertToken).getString("download_token");
        given().get("/api/v1/optimize/download/" + status).then().statusCode(404);
        given().get("/api/v1/download/" + status).then().statusCode(200);
    }

    @Test
    void anExpiredDownloadIsGone() {
        String url = optimize(key, "p.jpg", photo, Map.of("response", "json", "ratio", "100x100"))
                .then().statusCode(200).extract().path("download_url");
        pool.preparedQuery("update conversions set expires_at = now() - interval '1 second' where kind = 'optimize'"
                        + " and download_token = $1")
                .execute(Tuple.of(url.substring(url.lastIndexOf('/') + 1))).await().indefinitely();
        given().get(url).then().statusCode(404).body("error", org.hamcrest.Matchers.notNullValue());
        given().get("/api/v1/optimize/download/nothing-like-this").then().statusCode(404);
    }

    @Test
    void theKeyIsRequiredInAnyOfItsPlaces() {
        given().multiPart("image", "p.jpg", photo, "image/jpeg").post("/api/v1/optimize").then().statusCode(401)
                .contentType("application/json").body("error", org.hamcrest.Matchers.containsString("API key"))
                .body("size()", org.hamcrest.Matchers.is(1));
        given().header("X-API-Key", "kp_" + "x".repeat(32)).multiPart("image", "p.jpg", photo, "image/jpeg")
                .post("/api/v1/optimize").then().statusCode(401).body("error", org.hamcrest.Matchers.notNullValue());
        given().header("Authorization", "Bearer " + key).multiPart("image", "p.jpg", photo, "image/jpeg")
                .multiPart("ratio", "64x64").post("/api/v1/optimize").then().statusCode(200);
        given().queryParam("api_key", key).multiPart("image", "p.jpg", photo, "image/jpeg")
                .multiPart("ratio", "64x64").post("/api/v1/optimize").then().statusCode(200);
        given().multiPart("api_key", key).multiPart("image", "p.jpg", photo, "image/jpeg")
                .multiPart("ratio", "64x64").post("/api/v1/optimize").then().statusCode(200);
    }

    @Test
    void aKeyWithTheOptimizeApiSwitchedOffIsForbidden() {
        String off = createKey(Map.of("disabled_apis", List.of("optimize")));
        optimize(off, "p.jpg", photo, Map.of()).then().statusCode(403)
                .body("error", org.hamcrest.Matchers.containsString("disabled"));
        // only the API named is off
        given().header("X-API-Key", off).multiPart("file", "a.png", TestImages.png(16, 16), "image/png")
                .post("/api/v1/convert").then().statusCode(202);
        String noConvert = createKey(Map.of("disabled_apis", List.of("convert")));
        given().header("X-API-Key", noConvert).multiPart("file", "a.png", TestImages.png(16, 16), "image/png")
                .post("/api/v1/convert").then().statusCode(403).body("error", org.hamcrest.Matchers.is("api_disabled"));
        optimize(noConvert, "p.jpg", photo, Map.of("ratio", "32x32")).then().statusCode(200);
    }

    @Test
    void otherMethodsAre405() {
        for (String method : new String[] { "GET", "PUT", "DELETE", "PATCH" }) {
            given().header("X-API-Key", key).request(method, "/api/v1/optimize").then().statusCode(405)
                    .contentType("application/json").body("error", org.hamcrest.Matchers.containsString("not allowed"));
        }
    }

    @Test
    void badRequestsAre400WithASentence() {
        given().header("X-API-Key", key).multiPart("quality", "5").post("/api/v1/optimize").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.containsString("'image'"));
        given().header("X-API-Key", key).contentType("application/json").body("{}").post("/api/v1/optimize")
                .then().statusCode(400).body("error", org.hamcrest.Matchers.notNullValue());
        for (String quality : new String[] { "0", "11", "ten", "5.5" }) {
            optimize(key, "p.jpg", photo, Map.of("quality", quality)).then().statusCode(400)
                    .body("error", org.hamcrest.Matchers.containsString("quality"));
        }
        for (String ratio : new String[] { "800", "x600", "0x100", "800x600x2", "big" }) {
            optimize(key, "p.jpg", photo, Map.of("ratio", ratio)).then().statusCode(400)
                    .body("error", org.hamcrest.Matchers.containsString("ratio"));
        }
        for (String format : new String[] { "tiff", "bmp", "heic", "svg", "pdf", "ico", "jpeg2000" }) {
            optimize(key, "p.jpg", photo, Map.of("output_format", format)).then().statusCode(400)
                    .body("error", org.hamcrest.Matchers.containsString("output_format"));
        }
        optimize(key, "p.jpg", new byte[0], Map.of()).then().statusCode(400)
                .body("error", org.hamcrest.Matchers.containsString("empty"));
        optimize(key, "x.pdf", "%PDF-1.4\n%\u00e2\u00e3\n".getBytes(StandardCharsets.ISO_8859_1), Map.of())
                .then().statusCode(400).body("error", org.hamcrest.Matchers.containsString("not an image"));
        optimize(key, "notes.txt", "hello".getBytes(StandardCharsets.UTF_8), Map.of()).then().statusCode(400);
        byte[] broken = java.util.Arrays.copyOf(photo, 600);
        optimize(key, "cut.jpg", broken, Map.of()).then().statusCode(400)
                .body("error", org.hamcrest.Matchers.notNullValue());
        optimize(key, "p.jpg", photo, Map.of("quality", "5", "ratio", "10x10")).then().statusCode(200);
    }

    @Test
    void limitsAre2MbAnd2000PixelsUnlessTheKeyRaisesThem() {
        byte[] large = noise(1100, 900); // a noise PNG is about 3 MB
        assertThat(large.length).isGreaterThan(2 << 20);
        optimize(key, "noise.png", large, Map.of()).then().statusCode(400)
                .body("error", org.hamcrest.Matchers.allOf(org.hamcrest.Matchers.containsString("MB"),
                        org.hamcrest.Matchers.containsString("2.0 MB")));
        optimize(key, "tall.png", TestImages.pngBomb(100, 2001), Map.of()).then().statusCode(400)
                .body("error", org.hamcrest.Matchers.containsString("2000x2000"));

        String raised = createKey(Map.of("optimize_max_bytes", 4 << 20, "optimize_max_width", 3000,
                "optimize_max_height", 3000));
        optimize(raised, "noise.png", large, Map.of("quality", "3", "output_format", "jpg")).then().statusCode(200)
                .contentType("image/jpeg");
        optimize(raised, "wide.png", TestImages.png(2600, 100), Map.of()).then().statusCode(200);
    }

    @Test
    void theAdminApiRefusesLimitsItDoesNotKnow() {
        given().header("Authorization", OPERATOR).contentType("application/json")
                .body(Map.of("name", "typo", "limits", Map.of("optimise_max_bytes", 5))).post("/api/admin/keys")
                .then().statusCode(400).body("message", org.hamcrest.Matchers.containsString("optimise_max_bytes"));
        given().header("Authorization", OPERATOR).contentType("application/json")
                .body(Map.of("name", "bad", "limits", Map.of("disabled_apis", List.of("everything"))))
                .post("/api/admin/keys").then().statusCode(400);
    }

    static Response optimize(String key, String name, byte[] bytes, Map<String, String> fields) {
        var request = given().header("X-API-Key", key).multiPart("image", name, bytes, "application/octet-stream");
        fields.forEach(request::multiPart);
        return request.post("/api/v1/optimize");
    }

    static String createKey(Map<String, Object> limits) {
        return given().header("Authorization", OPERATOR).contentType("application/json")
                .body(Map.of("name", "optimize-test", "plan", "free", "limits", limits)).post("/api/admin/keys")
                .then().statusCode(201).extract().path("key");
    }

    static BufferedImage decode(byte[] bytes) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(image).as("decodable image").isNotNull();
        return image;
    }

    private long countOptimizeRowsWith(long outputSize) {
        return pool.preparedQuery("select count(*) from conversions where kind = 'optimize' and output_size = $1")
                .execute(Tuple.of(outputSize)).await().indefinitely().iterator().next().getLong(0);
    }

    private static byte[] noise(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        java.util.Random rnd = new java.util.Random(7);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        return TestImages.encode(img, "png");
    }
}
