package dev.pixmill.convert;

import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.vips.Vips;
import dev.pixmill.storage.DatabaseSettings;
import dev.pixmill.support.Animations;
import dev.pixmill.support.Animations.Frame;
import dev.pixmill.support.Magic;
import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.pixmill.support.Conversions.awaitEnd;
import static dev.pixmill.support.Conversions.download;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** {@code POST /api/v1/resize}: every mode through the HTTP flow, measured on the downloaded results. */
@QuarkusTest
class ConvertResizeTest {

    @Inject
    DatabaseSettings database;

    static final byte[] BANDS_PNG = TestImages.encode(TestImages.bands(400, 100), "png");
    static final byte[] PHOTO_JPG = TestImages.jpeg(400, 300);

    @Test
    void aBoxFitsInsideAndKeepsTheInputFormat() throws IOException {
        JsonPath status = resized("photo.jpg", PHOTO_JPG, Map.of("width", "200"));
        assertThat(status.getString("output_format")).isEqualTo("jpg");
        assertThat(status.getInt("width")).isEqualTo(200);
        assertThat(status.getInt("height")).isEqualTo(150);
        byte[] jpg = download(status);
        assertThat(Magic.matches(ImageFormat.JPEG, jpg)).isTrue();
        assertSize(read(jpg), 200, 150);
        given().get(status.getString("download_url")).then().header("Content-Disposition",
                containsString("photo.jpg"));

        byte[] png = download(resized("b.png", BANDS_PNG, Map.of("width", "100", "height", "100")));
        assertThat(Magic.matches(ImageFormat.PNG, png)).isTrue();
        assertSize(read(png), 100, 25);
        byte[] webp = download(resized("b.png", BANDS_PNG, Map.of("height", "50", "output_format", "webp",
                "quality", "60")));
        assertThat(Magic.matches(ImageFormat.WEBP, webp)).isTrue();
        assertThat(Animations.decode(webp).width()).isEqualTo(200);
        // SVG input gives png
        byte[] svg = ("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"96\" height=\"64\">"
                + "<rect width=\"96\" height=\"64\" fill=\"#2080c0\"/></svg>").getBytes();
        byte[] fromSvg = download(resized("logo.svg", svg, Map.of("width", "48")));
        assertThat(Magic.matches(ImageFormat.PNG, fromSvg)).isTrue();
        assertSize(read(fromSvg), 48, 32);
    }

    @Test
    void percentScalesEachSideOfTheDisplayedImage() throws IOException {
        assertSize(read(download(resized("p.jpg", PHOTO_JPG, Map.of("percent", "50")))), 200, 150);
        assertSize(read(download(resized("p.jpg", PHOTO_JPG, Map.of("percent", "25")))), 100, 75);
        // above 100 is itself the ask to enlarge
        JsonPath big = resized("p.jpg", PHOTO_JPG, Map.of("percent", "150"));
        assertThat(big.getInt("width")).isEqualTo(600);
        assertSize(read(download(big)), 600, 450);
        // each side rounded on its own: 101x51 at 50 % is 51x26 (50.5 and 25.5 rounded up)
        byte[] odd = TestImages.png(101, 51);
        assertSize(read(download(resized("o.png", odd, Map.of("percent", "50")))), 51, 26);
        // EXIF orientation 6: stored 120x80, displayed 80x120, so 50 % is 40x60
        assertSize(read(download(resized("turned.jpg", orientation6Jpeg(), Map.of("percent", "50")))), 40, 60);
    }

    @Test
    void coverFillsTheBoxAndCropsTheCentre() throws IOException {
        // 400x100 into 300x100: 50 columns cut on each side, so 50 red and 50 blue are left
        BufferedImage img = read(download(resized("b.png", BANDS_PNG, Map.of("width", "300", "height", "100",
                "fit", "cover"))));
        assertSize(img, 300, 100);
        assertThat(run(img, 50, Color.RED, true)).isEqualTo(50);
        assertThat(run(img, 50, Color.BLUE, false)).isEqualTo(50);
        // a square from the wide image: only the green middle is left
        img = read(download(resized("b.png", BANDS_PNG, Map.of("width", "100", "height", "100", "fit", "cover",
                "output_format", "jpg"))));
        assertSize(img, 100, 100);
        for (int x : new int[] {1, 50, 98}) {
            assertThat(close(img.getRGB(x, 50), Color.GREEN)).as("x=%d", x).isTrue();
        }
    }

    @Test
    void containPadsTransparentWhereTheFormatHasAlphaAndWhiteElsewhere() throws IOException {
        // 400x100 into 200x200: 200x50 in the middle, 75 rows of padding above and below
        byte[] jpg = TestImages.encode(TestImages.bands(400, 100), "jpg");
        BufferedImage white = read(download(resized("b.jpg", jpg, Map.of("width", "200", "height", "200",
                "fit", "contain"))));
        assertSize(white, 200, 200);
        assertThat(close(white.getRGB(100, 30), Color.WHITE)).as("jpg kept: white padding").isTrue();
        assertThat(close(white.getRGB(100, 170), Color.WHITE)).isTrue();
        assertThat(close(white.getRGB(100, 100), Color.GREEN)).isTrue();

        BufferedImage png = read(download(resized("b.jpg", jpg, Map.of("width", "200", "height", "200",
                "fit", "contain", "output_format", "png"))));
        assertSize(png, 200, 200);
        assertThat(png.getRGB(100, 30) >>> 24).as("png: transparent padding").isZero();
        assertThat(png.getRGB(100, 170) >>> 24).isZero();
        assertThat(png.getRGB(100, 100) >>> 24).isEqualTo(255);

        Animations.Decoded webp = Animations.decode(download(resized("b.jpg", jpg, Map.of("width", "200",
                "height", "200", "fit", "contain", "output_format", "webp"))));
        assertThat(webp.pixel(0, 100, 30)[3]).as("webp: transparent padding").isZero();
        assertThat(webp.pixel(0, 100, 100)[3]).isEqualTo(255);
    }

    @Test
    void nothingIsEnlargedUnlessAsked() throws IOException {
        byte[] small = TestImages.encode(TestImages.bands(100, 50), "png");
        Map<String, String> box = Map.of("width", "200", "height", "200");
        assertSize(read(download(resized("s.png", small, box))), 100, 50);
        assertSize(read(download(resized("s.png", small, with(box, "upscale", "true")))), 200, 100);
        assertSize(read(download(resized("s.png", small, with(box, "upscale", "false")))), 100, 50);
        // cover: the sides shorter than the box stay as they are; with upscale it fills the box
        assertSize(read(download(resized("s.png", small, with(box, "fit", "cover")))), 100, 50);
        assertSize(read(download(resized("s.png", small, with(with(box, "fit", "cover"), "upscale", "true")))),
                200, 200);
        // contain: always the whole box; the image at its own size in the middle unless enlarged
        BufferedImage c = read(download(resized("s.png", small, with(box, "fit", "contain"))));
        assertSize(c, 200, 200);
        assertThat(c.getRGB(49, 100) >>> 24).isZero();
        assertThat(c.getRGB(50, 100)).isEqualTo(0xFFFF0000);
        assertThat(c.getRGB(149, 100)).isEqualTo(0xFF0000FF);
        assertThat(c.getRGB(150, 100) >>> 24).isZero();
        assertThat(c.getRGB(100, 74) >>> 24).isZero();
        assertThat(c.getRGB(100, 75) >>> 24).isEqualTo(255);
        c = read(download(resized("s.png", small, with(with(box, "fit", "contain"), "upscale", "true"))));
        assertSize(c, 200, 200);
        assertThat(c.getRGB(100, 45) >>> 24).isZero();
        assertThat(c.getRGB(100, 55) >>> 24).isEqualTo(255);
        assertThat(close(c.getRGB(2, 100), Color.RED)).isTrue();
    }

    @Test
    void presetsGiveTheirBoxAndFaviconARealIco() throws IOException {
        byte[] photo = TestImages.jpeg(2000, 1500);
        JsonPath post = resized("p.jpg", photo, Map.of("preset", "instagram_post"));
        assertThat(post.getString("output_format")).isEqualTo("jpg");
        assertSize(read(download(post)), 1080, 810);
        assertSize(read(download(resized("p.jpg", photo, Map.of("preset", "instagram_post", "fit", "cover")))),
                1080, 1080);
        assertSize(read(download(resized("p.jpg", photo, Map.of("preset", "email_header", "fit", "contain",
                "output_format", "png")))), 600, 200);

        JsonPath favicon = resized("p.jpg", photo, Map.of("preset", "favicon", "fit", "cover"));
        assertThat(favicon.getString("output_format")).isEqualTo("ico");
        byte[] ico = download(favicon);
        assertThat(Magic.matches(ImageFormat.ICO, ico)).isTrue();
        assertSize(readIco(ico), 48, 48);
        given().get(favicon.getString("download_url")).then().header("Content-Type", "image/x-icon")
                .header("Content-Disposition", containsString("p.ico"));
        assertSize(readIco(download(resized("p.jpg", photo, Map.of("preset", "FAVICON")))), 48, 36);
        // output_format wins over the preset's format
        byte[] png = download(resized("p.jpg", photo, Map.of("preset", "favicon", "output_format", "png")));
        assertThat(Magic.matches(ImageFormat.PNG, png)).isTrue();
    }

    @Test
    void animationKeepsItsFramesAndTimingThroughTheFlow() {
        int[] delays = {100, 250, 500};
        List<Frame> frames = new ArrayList<>();
        Color[] middles = {Color.RED, Color.GREEN, Color.BLUE};
        for (int i = 0; i < 3; i++) {
            BufferedImage img = new BufferedImage(120, 120, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(Color.GRAY);
            g.fillRect(0, 0, 120, 40);
            g.setColor(middles[i]);
            g.fillRect(0, 40, 120, 40);
            g.setColor(Color.WHITE);
            g.fillRect(0, 80, 120, 40);
            g.dispose();
            frames.add(new Frame(img, delays[i]));
        }
        byte[] gif = Animations.gif(frames, 0);
        // cover 60x20: each frame shrunk to 60x60 and cut to its middle band
        JsonPath status = resized("a.gif", gif, Map.of("width", "60", "height", "20", "fit", "cover"));
        assertThat(status.getString("output_format")).isEqualTo("gif");
        assertThat(status.getInt("height")).as("a frame's height").isEqualTo(20);
        byte[] out = download(status);
        assertThat(Animations.gifDelaysMs(out)).containsExactly(delays);
        assertThat(Animations.gifLoop(out)).isZero();
        Animations.Decoded d = Animations.decode(out);
        assertThat(new int[] {d.width(), d.pageHeight(), d.pages()}).containsExactly(60, 20, 3);
        for (int f = 0; f < 3; f++) {
            for (int y : new int[] {2, 17}) {
                assertThat(close(d.pixel(f, 30, y), middles[f])).as("frame %d row %d", f, y).isTrue();
            }
        }

        byte[] webp = Animations.webp(frames, 0);
        out = download(resized("a.webp", webp, Map.of("percent", "50", "keep_metadata", "true")));
        assertThat(Magic.matches(ImageFormat.WEBP, out)).isTrue();
        assertThat(Animations.webpDelaysMs(out)).containsExactly(delays);
        d = Animations.decode(out);
        assertThat(new int[] {d.width(), d.pageHeight(), d.pages()}).containsExactly(60, 60, 3);
        for (int f = 0; f < 3; f++) {
            assertThat(close(d.pixel(f, 30, 30), middles[f])).as("frame %d", f).isTrue();
        }
        // contain, from webp to gif: every frame padded on its own
        out = download(resized("a.webp", webp, Map.of("width", "60", "height", "180", "fit", "contain",
                "output_format", "gif")));
        assertThat(Animations.gifDelaysMs(out)).containsExactly(delays);
        d = Animations.decode(out);
        assertThat(new int[] {d.width(), d.pageHeight(), d.pages()}).containsExactly(60, 180, 3);
        for (int f = 0; f < 3; f++) {
            assertThat(d.pixel(f, 30, 30)[3]).isZero();
            assertThat(close(d.pixel(f, 30, 90), middles[f])).as("frame %d", f).isTrue();
            assertThat(d.pixel(f, 30, 150)[3]).isZero();
        }
        // other outputs take the first frame
        d = Animations.decode(download(resized("a.gif", gif, Map.of("percent", "50", "output_format", "png"))));
        assertThat(new int[] {d.width(), d.pageHeight(), d.pages()}).containsExactly(60, 60, 1);
        assertThat(close(d.pixel(0, 30, 30), Color.RED)).isTrue();
    }

    @Test
    void everyBadCombinationIs400BeforeAnythingIsQueued() throws Exception {
        long before = resizeRows();
        refused(Map.of(), "exactly one of percent, width/height or preset");
        refused(Map.of("percent", "50", "width", "100"), "not percent and width");
        refused(Map.of("percent", "50", "preset", "favicon"), "not percent and preset");
        refused(Map.of("width", "100", "height", "100", "preset", "favicon"), "not width/height and preset");
        refused(Map.of("percent", "0"), "percent must be a whole number from 1 to 1000");
        refused(Map.of("percent", "1001"), "percent must be");
        refused(Map.of("percent", "50.5"), "percent must be");
        refused(Map.of("width", "0"), "width must be");
        refused(Map.of("height", "-3"), "height must be");
        refused(Map.of("preset", "myspace_banner"), "preset must be one of the presets");
        refused(Map.of("width", "100", "height", "100", "fit", "stretch"), "fit must be inside, cover or contain");
        refused(Map.of("width", "100", "fit", "cover"), "fit=cover needs a box of both sides");
        refused(Map.of("height", "100", "fit", "contain"), "fit=contain needs a box of both sides");
        refused(Map.of("percent", "50", "fit", "cover"), "fit needs a box");
        refused(Map.of("percent", "50", "fit", "inside"), "fit needs a box");
        refused(Map.of("percent", "200", "upscale", "false"), "upscale=false");
        refused(Map.of("width", "100", "upscale", "maybe"), "upscale must be true or false");
        refused(Map.of("width", "100", "quality", "0"), "quality must be");
        refused(Map.of("width", "100", "output_format", "jpeg2000"), "output_format must be one of");
        refused(Map.of("width", "100", "keep_metadata", "sometimes"), "keep_metadata must be true or false");
        // the same webhook check as the convert form: anonymous callers have no secret to sign with
        given().multiPart("file", "p.jpg", PHOTO_JPG, "image/jpeg").multiPart("width", "100")
                .multiPart("webhook_url", "https://example.com/hook").post("/api/v1/resize")
                .then().statusCode(401).body("error", equalTo("missing_api_key"));
        given().multiPart("file", "p.jpg", PHOTO_JPG, "image/jpeg").multiPart("percent", "50")
                .multiPart("percent", "60").post("/api/v1/resize").then().statusCode(400)
                .body("error", equalTo("duplicate_parameter")).body("message", containsString("percent"));
        given().multiPart("width", "100").post("/api/v1/resize").then().statusCode(400)
                .body("error", equalTo("missing_file"));
        given().multiPart("file", "e.png", new byte[0], "image/png").multiPart("width", "100")
                .post("/api/v1/resize").then().statusCode(400).body("error", equalTo("empty_file"));
        assertThat(resizeRows()).as("nothing queued").isEqualTo(before);
        // and the same combinations that are fine are queued
        given().multiPart("file", "p.jpg", PHOTO_JPG, "image/jpeg").multiPart("percent", "10")
                .multiPart("upscale", "false").post("/api/v1/resize").then().statusCode(202);
        assertThat(resizeRows()).isEqualTo(before + 1);
    }

    @Test
    void aResultOverThePixelLimitsIsRefusedAtOnce() throws Exception {
        long before = resizeRows();
        byte[] png = TestImages.png(1000, 1000);
        given().multiPart("file", "p.png", png, "image/png").multiPart("percent", "1000").post("/api/v1/resize")
                .then().statusCode(413).body("error", equalTo("image_too_large"))
                .body("message", containsString("the result would be 10000x10000 pixels"));
        given().multiPart("file", "p.png", png, "image/png").multiPart("width", "9000").multiPart("height", "100")
                .multiPart("fit", "contain").post("/api/v1/resize")
                .then().statusCode(413).body("message", containsString("9000x100"));
        given().multiPart("file", "p.png", png, "image/png").multiPart("width", "9000").multiPart("upscale", "true")
                .post("/api/v1/resize").then().statusCode(413).body("error", equalTo("image_too_large"));
        assertThat(resizeRows()).isEqualTo(before);
        // without upscale the same box is no enlargement: the image stays 1000x1000
        assertSize(read(download(resized("p.png", png, Map.of("width", "9000")))), 1000, 1000);
    }

    @Test
    void rowsWrittenBeforeFitExistedStillConvert() throws Exception {
        UUID id = UUID.randomUUID();
        byte[] png = TestImages.png(50, 40);
        // the params exactly as the service wrote them before fit (and compression) were stored
        String params = "{\"output\":\"PNG\",\"quality\":80,\"width\":25,\"height\":null,\"upscale\":false,"
                + "\"keepMetadata\":false,\"limits\":{\"maxBytes\":20971520,\"maxWidth\":8000,\"maxHeight\":8000,"
                + "\"maxMegapixels\":64,\"checkVectorDimensions\":true}}";
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
             PreparedStatement insert = c.prepareStatement("""
                     insert into conversions (id, owner, status, params, input_format, input_size, output_format)
                     values (?, 'anon:127.0.0.1', 'pending', ?, 'png', ?, 'png')""");
             PreparedStatement blob = c.prepareStatement(
                     "insert into blobs (conversion_id, role, content_type, data) values (?, 'input', 'image/png', ?)");
             PreparedStatement notify = c.prepareStatement("select pg_notify('pixmill_work', ?)")) {
            insert.setObject(1, id);
            insert.setString(2, params);
            insert.setLong(3, png.length);
            insert.executeUpdate();
            blob.setObject(1, id);
            blob.setBytes(2, png);
            blob.executeUpdate();
            notify.setString(1, id.toString());
            notify.execute();
        }
        JsonPath status = awaitEnd(id.toString());
        assertThat(status.getString("status")).as(status.prettify()).isEqualTo("completed");
        assertSize(read(download(status)), 25, 20);
    }

    // --- helpers ---

    private long resizeRows() throws Exception {
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
             ResultSet rs = c.createStatement().executeQuery("select count(*) from conversions where kind = 'resize'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static JsonPath resized(String name, byte[] bytes, Map<String, String> fields) {
        var request = given().multiPart("file", name, bytes, "application/octet-stream");
        fields.forEach(request::multiPart);
        String id = request.post("/api/v1/resize").then().statusCode(202).extract().path("id");
        JsonPath status = awaitEnd(id);
        assertThat(status.getString("status")).as(status.prettify()).isEqualTo("completed");
        return status;
    }

    private static void refused(Map<String, String> fields, String named) {
        var request = given().multiPart("file", "p.jpg", PHOTO_JPG, "image/jpeg");
        fields.forEach(request::multiPart);
        request.post("/api/v1/resize").then().statusCode(400).body("error", equalTo("invalid_parameter"))
                .body("message", containsString(named));
    }

    private static Map<String, String> with(Map<String, String> fields, String name, String value) {
        Map<String, String> m = new LinkedHashMap<>(fields);
        m.put(name, value);
        return m;
    }

    private static BufferedImage read(byte[] bytes) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(img).as("decodable").isNotNull();
        return img;
    }

    private static BufferedImage readIco(byte[] bytes) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("ico").next();
            reader.setInput(in);
            BufferedImage img = reader.read(0);
            reader.dispose();
            return img;
        }
    }

    private static void assertSize(BufferedImage img, int w, int h) {
        assertThat(new int[] {img.getWidth(), img.getHeight()}).containsExactly(w, h);
    }

    /** Pixels from the left (or right) edge of row y while they are {@code colour}. */
    private static int run(BufferedImage img, int y, Color colour, boolean fromLeft) {
        int n = 0;
        while (n < img.getWidth() && close(img.getRGB(fromLeft ? n : img.getWidth() - 1 - n, y), colour)) {
            n++;
        }
        return n;
    }

    private static boolean close(int argb, Color c) {
        return close(new int[] {(argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF, argb >>> 24}, c);
    }

    private static boolean close(int[] rgba, Color c) {
        return rgba[3] == 255 && Math.abs(rgba[0] - c.getRed()) < 40 && Math.abs(rgba[1] - c.getGreen()) < 40
                && Math.abs(rgba[2] - c.getBlue()) < 40;
    }

    /** A JPEG stored 120x80 with EXIF orientation 6 (displayed 80x120). */
    private static byte[] orientation6Jpeg() {
        byte[] rgb = new byte[120 * 80 * 3];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment im = Vips.newFromMemoryCopy(a, rgb, 120, 80, 3);
            try {
                Vips.setInt(a, im, "orientation", 6);
                return Vips.writeToBuffer(a, im, ".jpg[Q=90]");
            } finally {
                Vips.unref(im);
            }
        }
    }
}
