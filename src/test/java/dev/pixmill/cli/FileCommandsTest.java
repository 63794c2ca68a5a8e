package dev.pixmill.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageInfo;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.support.Magic;
import dev.pixmill.support.Pictures;
import dev.pixmill.support.TestImages;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file commands run in this JVM as {@code pixmill ...} runs them, on real files: results
 * decoded (format by magic bytes, dimensions by the engine's probe), the JSON report parsed.
 */
class FileCommandsTest {

    static final ImageLimits LIMITS = new ImageLimits(100 << 20, 20000, 20000, 400, true);
    static ImageEngine engine;
    static byte[] photo;     // 1200x900 JPEG q95
    static byte[] graphic;   // 600x400 PNG

    @TempDir
    Path dir;

    @BeforeAll
    static void images() {
        engine = new ImageEngine();
        photo = TestImages.encode(Pictures.photo(1200, 900), "jpg");
        graphic = TestImages.encode(Pictures.graphic(600, 400), "png");
    }

    record Run(int exit, byte[] out, String err) {
        String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }

        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(out);
        }
    }

    static Run run(byte[] stdin, String... args) {
        return run(stdin, false, args);
    }

    static Run run(byte[] stdin, boolean terminal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = FileCommands.run(args, new FileCommands.Streams(new ByteArrayInputStream(stdin),
                new PrintStream(out, true), new PrintStream(err, true), terminal));
        return new Run(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    static Run run(String... args) {
        return run(new byte[0], args);
    }

    Path file(String relative, byte[] bytes) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        return Files.write(p, bytes);
    }

    static ImageInfo probe(Path p) throws IOException {
        return engine.probe(Files.readAllBytes(p), LIMITS);
    }

    static void assertImage(Path p, ImageFormat format, int width, int height) throws IOException {
        byte[] b = Files.readAllBytes(p);
        assertThat(Magic.matches(format, b)).as(p + " is " + format).isTrue();
        ImageInfo info = engine.probe(b, LIMITS);
        assertThat(info.format()).isEqualTo(format);
        assertThat(info.width()).as(p + " width").isEqualTo(width);
        assertThat(info.height()).as(p + " height").isEqualTo(height);
    }

    List<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    @Test
    void directoryRecursionKeepsTheTreeReportsTheBadFileAndLeavesNothingPartial() throws IOException {
        file("in/a.jpg", photo);
        file("in/sub/b.png", graphic);
        file("in/sub/deeper/c.jpeg", photo);
        file("in/not-an-image.jpg", "hello, no pixels here\n".repeat(10).getBytes(StandardCharsets.UTF_8));
        file("in/cut.jpg", Arrays.copyOf(photo, photo.length / 2));
        file("in/notes.txt", "not an image extension: not picked up".getBytes(StandardCharsets.UTF_8));
        Path out = dir.resolve("out");

        Run r = run("convert", dir.resolve("in").toString(), "-r", "-o", out.toString(), "-f", "webp",
                "--width", "300", "--json");

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(filesUnder(out)).containsExactly(Path.of("a.webp"), Path.of("sub/b.webp"),
                Path.of("sub/deeper/c.webp"));
        assertImage(out.resolve("a.webp"), ImageFormat.WEBP, 300, 225);
        assertImage(out.resolve("sub/b.webp"), ImageFormat.WEBP, 300, 200);
        assertImage(out.resolve("sub/deeper/c.webp"), ImageFormat.WEBP, 300, 225);

        JsonNode report = r.json();
        assertThat(report.get("command").asText()).isEqualTo("convert");
        JsonNode files = report.get("files");
        assertThat(files).hasSize(5);
        JsonNode bad = find(files, "not-an-image.jpg");
        assertThat(bad.get("error").get("code").asText()).isEqualTo("unsupported_format");
        assertThat(bad.get("output").isNull()).isTrue();
        assertThat(find(files, "cut.jpg").get("error").get("code").asText()).isEqualTo("invalid_image");
        JsonNode a = find(files, "a.jpg");
        assertThat(a.get("error").isNull()).isTrue();
        assertThat(a.get("output").asText()).isEqualTo(out.resolve("a.webp").toString());
        assertThat(a.get("format").asText()).isEqualTo("webp");
        assertThat(a.get("width").asInt()).isEqualTo(300);
        assertThat(a.get("height").asInt()).isEqualTo(225);
        assertThat(a.get("bytes_in").asLong()).isEqualTo(photo.length);
        assertThat(a.get("bytes_out").asLong()).isEqualTo(Files.size(out.resolve("a.webp")));
        JsonNode summary = report.get("summary");
        assertThat(summary.get("files").asInt()).isEqualTo(5);
        assertThat(summary.get("ok").asInt()).isEqualTo(3);
        assertThat(summary.get("failed").asInt()).isEqualTo(2);
        assertThat(summary.get("bytes_in").asLong()).isEqualTo(2L * photo.length + graphic.length);
        assertThat(r.err()).contains("failed  ").contains("not-an-image.jpg: unsupported_format")
                .contains("5 files: 3 ok, 2 failed");

        // without -r only the directory's own files
        Path flat = dir.resolve("flat");
        Run top = run("convert", dir.resolve("in").toString(), "-o", flat.toString(), "-f", "png", "--width", "50");
        assertThat(top.exit()).isEqualTo(1); // the two bad ones are at the top
        assertThat(filesUnder(flat)).containsExactly(Path.of("a.png"));
    }

    private static JsonNode find(JsonNode files, String inputSuffix) {
        for (JsonNode f : files) {
            if (f.get("input").asText().endsWith(inputSuffix)) {
                return f;
            }
        }
        throw new AssertionError("no report for " + inputSuffix + " in " + files);
    }

    @Test
    void aQuotedGlobMatchesBelowItsBaseAndKeepsTheTreeFromThere() throws IOException {
        file("pics/x/one.png", graphic);
        file("pics/x/y/two.png", graphic);
        file("pics/three.jpg", photo);
        Path out = dir.resolve("g");

        Run r = run("resize", dir.resolve("pics") + "/**/*.png", "-o", out.toString(), "--percent", "50");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(filesUnder(out)).containsExactly(Path.of("x/one.png"), Path.of("x/y/two.png"));
        assertImage(out.resolve("x/y/two.png"), ImageFormat.PNG, 300, 200); // resize keeps the format

        Run none = run("convert", dir.resolve("pics") + "/*.gif", "-o", out.toString());
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("no file matches");
    }

    @Test
    void standardInputToStandardOutput() throws IOException {
        Run r = run(photo, "convert", "-", "-f", "png", "--width", "120");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Magic.matches(ImageFormat.PNG, r.out())).isTrue();
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(r.out()));
        assertThat(decoded.getWidth()).isEqualTo(120);
        assertThat(decoded.getHeight()).isEqualTo(90);

        Run bad = run("garbage".getBytes(StandardCharsets.UTF_8), "convert", "-", "-o", "-", "-f", "webp");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).isEmpty();
    }

    @Test
    void usageErrorsExitTwoAndWriteNothing() throws IOException {
        Path in = file("u/a.jpg", photo);
        file("u/b.jpg", photo);
        Path out = dir.resolve("uo");

        Run unknown = run("convert", in.toString(), "-o", out.toString(), "--colour", "red");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("--colour");

        Run range = run("convert", in.toString(), "-o", out.toString(), "-q", "500");
        assertThat(range.exit()).isEqualTo(2);
        assertThat(range.err()).contains("--quality must be a whole number from 1 to 100");

        Run both = run("compress", in.toString(), "-o", out.toString(), "--target-kb", "50", "-q", "70");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--target-kb is a goal of its own");

        Run format = run("convert", in.toString(), "-o", out.toString(), "-f", "xyz");
        assertThat(format.exit()).isEqualTo(2);
        assertThat(format.err()).contains("--format must be one of");

        Run twoToStdout = run("convert", dir.resolve("u").toString(), "-o", "-", "-f", "webp");
        assertThat(twoToStdout.exit()).isEqualTo(2);
        assertThat(twoToStdout.out()).isEmpty();

        Run jsonOnStdout = run("convert", in.toString(), "-o", "-", "--json");
        assertThat(jsonOnStdout.exit()).isEqualTo(2);

        Run sizes = run("resize", in.toString(), "-o", out.toString(), "--percent", "50", "--width", "100");
        assertThat(sizes.exit()).isEqualTo(2);
        assertThat(sizes.err()).contains("give exactly one of --percent, --width/--height or --preset");

        Run noInput = run("convert");
        assertThat(noInput.exit()).isEqualTo(2);

        assertThat(Files.exists(out)).isFalse();
        assertThat(run("convert", "--help").exit()).isZero();
    }

    @Test
    void anInputIsReplacedOnlyWithOverwrite() throws IOException {
        Path in = file("keep/photo.jpg", photo);

        Run refused = run("compress", in.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("would_overwrite_input");
        assertThat(Files.readAllBytes(in)).isEqualTo(photo);
        assertThat(filesUnder(dir.resolve("keep"))).containsExactly(Path.of("photo.jpg"));

        Run replaced = run("compress", in.toString(), "--overwrite");
        assertThat(replaced.exit()).as(replaced.err()).isZero();
        assertThat(Files.size(in)).isLessThan(photo.length);
        assertImage(in, ImageFormat.JPEG, 1200, 900);
        assertThat(filesUnder(dir.resolve("keep"))).containsExactly(Path.of("photo.jpg"));

        // beside the input with another format is no overwrite
        Run beside = run("convert", in.toString(), "-f", "webp", "--width", "100");
        assertThat(beside.exit()).as(beside.err()).isZero();
        assertImage(dir.resolve("keep/photo.webp"), ImageFormat.WEBP, 100, 75);
    }

    @Test
    void targetSizeAndOptimizeLevelsAreHonoured() throws IOException {
        Path in = file("t/photo.jpg", photo);
        Path png = file("t/graphic.png", graphic);

        Run target = run("compress", in.toString(), "-o", dir.resolve("t40").toString(), "--target-kb", "40");
        assertThat(target.exit()).as(target.err()).isZero();
        Path small = dir.resolve("t40/photo.jpg");
        assertThat(Files.size(small)).isLessThanOrEqualTo(40 * 1024);
        assertThat(Magic.matches(ImageFormat.JPEG, Files.readAllBytes(small))).isTrue();

        Run lossless = run("optimize", png.toString(), "-o", dir.resolve("l1").toString(), "--level", "1");
        assertThat(lossless.exit()).as(lossless.err()).isZero();
        BufferedImage original = ImageIO.read(png.toFile());
        BufferedImage level1 = ImageIO.read(dir.resolve("l1/graphic.png").toFile());
        assertThat(level1.getWidth()).isEqualTo(original.getWidth());
        for (int y = 0; y < original.getHeight(); y += 7) {
            for (int x = 0; x < original.getWidth(); x += 7) {
                assertThat(level1.getRGB(x, y)).as("pixel %d,%d", x, y).isEqualTo(original.getRGB(x, y));
            }
        }
        Run strongest = run("optimize", png.toString(), "-o", dir.resolve("l10").toString(), "--level", "10");
        assertThat(strongest.exit()).as(strongest.err()).isZero();
        assertThat(Files.size(dir.resolve("l10/graphic.png"))).isLessThanOrEqualTo(
                Files.size(dir.resolve("l1/graphic.png")));

        Run box = run("optimize", in.toString(), "-o", dir.resolve("ob").toString(), "--width", "400", "--height",
                "400", "-f", "webp");
        assertThat(box.exit()).as(box.err()).isZero();
        assertImage(dir.resolve("ob/photo.webp"), ImageFormat.WEBP, 400, 300);

        Run level = run("optimize", in.toString(), "-o", dir.resolve("ob").toString(), "--level", "11");
        assertThat(level.exit()).isEqualTo(2);
        assertThat(level.err()).contains("--level must be a whole number from 1 to 10");
    }

    @Test
    void resizeFitsAndNamesThatCollideKeepTheirExtension() throws IOException {
        file("c/pic.jpg", photo);
        file("c/pic.png", graphic);
        Path out = dir.resolve("co");

        Run r = run("resize", dir.resolve("c").toString(), "-o", out.toString(), "--width", "100", "--height", "100",
                "--fit", "cover", "-f", "webp");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(filesUnder(out)).containsExactly(Path.of("pic.jpg.webp"), Path.of("pic.png.webp"));
        assertImage(out.resolve("pic.jpg.webp"), ImageFormat.WEBP, 100, 100);
        assertImage(out.resolve("pic.png.webp"), ImageFormat.WEBP, 100, 100);

        // one input, -o naming the file
        Path named = dir.resolve("named/small.avif");
        Run one = run("convert", dir.resolve("c/pic.png").toString(), "-o", named.toString(), "-f", "avif",
                "--preset", "favicon");
        assertThat(one.exit()).as(one.err()).isZero();
        assertImage(named, ImageFormat.AVIF, 48, 32);
        // without -f the file's name says the format, over the preset's ico
        Path icon = dir.resolve("named/icon.webp");
        Run implied = run("convert", dir.resolve("c/pic.png").toString(), "-o", icon.toString(), "--preset",
                "favicon");
        assertThat(implied.exit()).as(implied.err()).isZero();
        assertImage(icon, ImageFormat.WEBP, 48, 32);
    }

    @Test
    void anImageOverThePixelLimitIsReportedAndTheOthersAreWritten() throws IOException {
        file("big/large.png", TestImages.encode(Pictures.graphic(1600, 1000), "png")); // 1.6 MP
        file("big/fine.png", graphic);
        Path out = dir.resolve("bo");
        System.setProperty("pixmill.engine.limits.max-megapixels", "1");
        Run r;
        try {
            r = run("convert", dir.resolve("big").toString(), "-o", out.toString(), "-f", "jpg", "--json");
        } finally {
            System.clearProperty("pixmill.engine.limits.max-megapixels");
        }
        assertThat(r.exit()).isEqualTo(1);
        assertThat(find(r.json().get("files"), "large.png").get("error").get("code").asText())
                .isEqualTo("image_too_large");
        assertThat(filesUnder(out)).containsExactly(Path.of("fine.jpg"));
    }

    @Test
    void aTerminalGetsABarAndFailuresAboveIt() throws IOException {
        file("bar/a.png", graphic);
        file("bar/b.png", graphic);
        file("bar/c.png", "no".getBytes(StandardCharsets.UTF_8));

        Run r = run(new byte[0], true, "convert", dir.resolve("bar").toString(), "-o", dir.resolve("bo").toString(),
                "-f", "webp", "--width", "40", "-j", "1");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("\r[##############################] 3/3").contains("1 failed")
                .contains("failed  " + dir.resolve("bar/c.png") + ": unsupported_format")
                .contains("3 files: 2 ok, 1 failed");
        assertThat(r.err()).doesNotContain("ok      "); // on a terminal the bar replaces the per-file lines
    }
}
