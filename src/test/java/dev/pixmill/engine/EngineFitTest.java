package dev.pixmill.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pixmill.error.PayloadTooLargeException;
import dev.pixmill.error.PixmillException;
import dev.pixmill.support.Animations;
import dev.pixmill.support.TestImages;
import java.awt.image.BufferedImage;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cover and contain, measured on the decoded results. */
class EngineFitTest {

    static final int RED = 0xFF0000;
    static final int GREEN = 0x00FF00;
    static final int BLUE = 0x0000FF;

    static ImageEngine engine;

    @BeforeAll
    static void setUp() {
        engine = new ImageEngine();
    }

    static EngineResult convert(byte[] in, ImageFormat out, int w, int h, Fit fit, boolean upscale) {
        return engine.convert(in, new ConversionSpec(out, 90, w, h, upscale, false, Fixtures.LIMITS,
                Duration.ofSeconds(60), null, fit));
    }

    static BufferedImage turned(BufferedImage img) {
        BufferedImage t = new BufferedImage(img.getHeight(), img.getWidth(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                t.setRGB(y, x, img.getRGB(x, y));
            }
        }
        return t;
    }

    /** Pixels from the left edge (or top, for a column) until the colour is no longer {@code colour}. */
    static int runFromLeft(BufferedImage img, int y, int colour) {
        int n = 0;
        while (n < img.getWidth() && close(img.getRGB(n, y), colour)) {
            n++;
        }
        return n;
    }

    static int runFromRight(BufferedImage img, int y, int colour) {
        int n = 0;
        while (n < img.getWidth() && close(img.getRGB(img.getWidth() - 1 - n, y), colour)) {
            n++;
        }
        return n;
    }

    static boolean close(int argb, int rgb) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((argb >> shift) & 0xFF) - ((rgb >> shift) & 0xFF)) > 40) {
                return false;
            }
        }
        return true;
    }

    @Test
    void coverFillsTheBoxAndCropsTheMiddle() {
        // 400x100 into 300x100: nothing to shrink, 100 columns cut, 50 from each side
        byte[] png = TestImages.encode(TestImages.bands(400, 100), "png");
        EngineResult r = convert(png, ImageFormat.PNG, 300, 100, Fit.COVER, false);
        assertThat(r.width()).isEqualTo(300);
        assertThat(r.height()).isEqualTo(100);
        BufferedImage img = Fixtures.read(r.bytes());
        assertThat(img.getWidth()).isEqualTo(300);
        assertThat(runFromLeft(img, 50, RED)).isEqualTo(50);
        assertThat(runFromRight(img, 50, BLUE)).isEqualTo(50);
        assertThat(close(img.getRGB(150, 50), GREEN)).isTrue();

        // shrunk first: 800x200 fills 300x100 at half size (400x100), then the same crop
        byte[] big = TestImages.encode(TestImages.bands(800, 200), "png");
        img = Fixtures.read(convert(big, ImageFormat.PNG, 300, 100, Fit.COVER, false).bytes());
        assertThat(img.getWidth()).isEqualTo(300);
        assertThat(img.getHeight()).isEqualTo(100);
        assertThat(runFromLeft(img, 50, RED)).isBetween(49, 51);
        assertThat(runFromRight(img, 50, BLUE)).isBetween(49, 51);
        assertThat(Math.abs(runFromLeft(img, 50, RED) - runFromRight(img, 50, BLUE))).isLessThanOrEqualTo(1);

        // a square box from a wide image: only the green middle is left
        img = Fixtures.read(convert(big, ImageFormat.JPEG, 100, 100, Fit.COVER, false).bytes());
        assertThat(img.getWidth()).isEqualTo(100);
        assertThat(img.getHeight()).isEqualTo(100);
        for (int x : new int[] {2, 50, 97}) {
            assertThat(close(img.getRGB(x, 50), GREEN)).as("x=%d", x).isTrue();
        }
    }

    @Test
    void coverCropsATallImageTopAndBottom() {
        // the bands turned: red on top, blue at the bottom; 100x400 into 100x300
        byte[] png = TestImages.encode(turned(TestImages.bands(400, 100)), "png");
        EngineResult r = convert(png, ImageFormat.WEBP, 100, 300, Fit.COVER, false);
        assertThat(r.width()).isEqualTo(100);
        assertThat(r.height()).isEqualTo(300);
        BufferedImage img = turned(rgbOf(r.bytes()));
        assertThat(runFromLeft(img, 50, RED)).isBetween(48, 52);
        assertThat(runFromRight(img, 50, BLUE)).isBetween(48, 52);
    }

    @Test
    void coverWithoutUpscaleKeepsTheSidesThatAreShorterThanTheBox() {
        byte[] png = TestImages.encode(TestImages.bands(400, 100), "png");
        // taller box than the image: the height stays 100, the width is cut to the box
        EngineResult r = convert(png, ImageFormat.PNG, 200, 200, Fit.COVER, false);
        assertThat(new int[] {r.width(), r.height()}).containsExactly(200, 100);
        BufferedImage img = Fixtures.read(r.bytes());
        assertThat(img.getWidth()).isEqualTo(200);
        assertThat(img.getHeight()).isEqualTo(100);
        for (int x : new int[] {0, 100, 199}) {
            assertThat(close(img.getRGB(x, 50), GREEN)).as("x=%d", x).isTrue(); // columns 100-299 of the input
        }
        // a box larger on both sides: the image as it is
        r = convert(png, ImageFormat.PNG, 1000, 500, Fit.COVER, false);
        assertThat(new int[] {r.width(), r.height()}).containsExactly(400, 100);
        assertThat(Fixtures.read(r.bytes()).getWidth()).isEqualTo(400);
        // upscale: filled (800x200) and cut to the box
        r = convert(png, ImageFormat.PNG, 200, 200, Fit.COVER, true);
        img = Fixtures.read(r.bytes());
        assertThat(new int[] {img.getWidth(), img.getHeight()}).containsExactly(200, 200);
        assertThat(close(img.getRGB(0, 100), GREEN)).isTrue();
        assertThat(close(img.getRGB(199, 100), GREEN)).isTrue();
    }

    @Test
    void coverFollowsTheDisplayedOrientation() {
        // stored 120x80, EXIF 6: displayed 80x120. Into 40x40 it is shrunk to 40x60, then cut
        byte[] jpeg = Fixtures.orientation6Jpeg();
        EngineResult r = convert(jpeg, ImageFormat.PNG, 40, 40, Fit.COVER, false);
        BufferedImage img = Fixtures.read(r.bytes());
        assertThat(new int[] {img.getWidth(), img.getHeight()}).containsExactly(40, 40);
        assertThat(engine.probe(jpeg, Fixtures.LIMITS).sidesSwapped()).isTrue();
        assertThat(engine.probe(Fixtures.png(Fixtures.base(40, 20)), Fixtures.LIMITS).sidesSwapped()).isFalse();
    }

    @Test
    void containPadsTransparentWhereTheFormatHasAlpha() {
        // 400x100 into 200x200: fitted to 200x50, 75 rows of padding above and below
        byte[] jpeg = TestImages.encode(TestImages.bands(400, 100), "jpg");
        for (ImageFormat f : new ImageFormat[] {ImageFormat.PNG, ImageFormat.WEBP, ImageFormat.GIF,
                ImageFormat.TIFF, ImageFormat.AVIF}) {
            EngineResult r = convert(jpeg, f, 200, 200, Fit.CONTAIN, false);
            assertThat(new int[] {r.width(), r.height()}).as(f.name()).containsExactly(200, 200);
            Animations.Decoded d = Animations.decode(r.bytes());
            assertThat(new int[] {d.width(), d.pageHeight()}).as(f.name()).containsExactly(200, 200);
            assertThat(d.pixel(0, 100, 10)[3]).as(f + " padding above").isZero();
            assertThat(d.pixel(0, 100, 72)[3]).as(f + " padding above").isZero();
            assertThat(d.pixel(0, 100, 190)[3]).as(f + " padding below").isZero();
            assertThat(d.pixel(0, 100, 100)[3]).as(f + " image").isEqualTo(255);
            assertThat(d.pixel(0, 100, 78)[3]).as(f + " image top row").isEqualTo(255);
            assertThat(d.pixel(0, 100, 121)[3]).as(f + " image bottom row").isEqualTo(255);
            assertThat(d.pixel(0, 100, 100)[1]).as(f + " green middle").isGreaterThan(200);
        }
    }

    @Test
    void containPadsWhiteWhereTheFormatHasNoAlpha() {
        // a PNG with transparency: its transparent parts go onto white too
        byte[] png = Fixtures.png(Fixtures.base(400, 100));
        for (ImageFormat f : new ImageFormat[] {ImageFormat.JPEG, ImageFormat.BMP}) {
            EngineResult r = convert(png, f, 200, 200, Fit.CONTAIN, false);
            assertThat(new int[] {r.width(), r.height()}).as(f.name()).containsExactly(200, 200);
            BufferedImage img = f == ImageFormat.BMP ? bmp(r.bytes()) : Fixtures.read(r.bytes());
            assertThat(new int[] {img.getWidth(), img.getHeight()}).containsExactly(200, 200);
            assertThat(close(img.getRGB(100, 10), 0xFFFFFF)).as(f + " padding above").isTrue();
            assertThat(close(img.getRGB(100, 190), 0xFFFFFF)).as(f + " padding below").isTrue();
            assertThat(close(img.getRGB(5, 80), RED)).as(f + " the red mark at the image's top left").isTrue();
        }
    }

    @Test
    void containWithoutUpscaleCentresTheImageAtItsOwnSize() {
        byte[] png = TestImages.encode(TestImages.bands(100, 50), "png");
        EngineResult r = convert(png, ImageFormat.PNG, 200, 200, Fit.CONTAIN, false);
        BufferedImage img = Fixtures.read(r.bytes());
        assertThat(new int[] {img.getWidth(), img.getHeight()}).containsExactly(200, 200);
        // the 100x50 image at (50, 75), pixel for pixel
        assertThat(img.getRGB(49, 100) >>> 24).isZero();
        assertThat(img.getRGB(50, 100)).isEqualTo(0xFFFF0000);
        assertThat(img.getRGB(149, 100)).isEqualTo(0xFF0000FF);
        assertThat(img.getRGB(150, 100) >>> 24).isZero();
        assertThat(img.getRGB(100, 74) >>> 24).isZero();
        assertThat(img.getRGB(100, 75)).isEqualTo(0xFF00FF00);
        assertThat(img.getRGB(100, 124)).isEqualTo(0xFF00FF00);
        assertThat(img.getRGB(100, 125) >>> 24).isZero();

        // upscale: fitted to 200x100, 50 rows of padding above and below
        img = Fixtures.read(convert(png, ImageFormat.PNG, 200, 200, Fit.CONTAIN, true).bytes());
        assertThat(new int[] {img.getWidth(), img.getHeight()}).containsExactly(200, 200);
        assertThat(img.getRGB(100, 48) >>> 24).isZero();
        assertThat(img.getRGB(100, 52) >>> 24).isEqualTo(255);
        assertThat(img.getRGB(100, 147) >>> 24).isEqualTo(255);
        assertThat(img.getRGB(100, 151) >>> 24).isZero();
        assertThat(close(img.getRGB(2, 100), RED)).isTrue();
    }

    @Test
    void icoKeepsItsLimitAndTheBoxProportions() {
        byte[] png = TestImages.encode(TestImages.bands(800, 200), "png");
        EngineResult r = convert(png, ImageFormat.ICO, 1024, 512, Fit.CONTAIN, false);
        assertThat(new int[] {r.width(), r.height()}).containsExactly(256, 128);
        Fixtures.assertDecodes(ImageFormat.ICO, r.bytes(), 256, 128);
        r = convert(png, ImageFormat.ICO, 48, 48, Fit.COVER, false);
        Fixtures.assertDecodes(ImageFormat.ICO, r.bytes(), 48, 48);
        r = convert(png, ImageFormat.ICO, 600, 600, Fit.COVER, false);
        Fixtures.assertDecodes(ImageFormat.ICO, r.bytes(), 256, 200);
    }

    @Test
    void svgIsRenderedAtTheSizeThatFillsTheBox() {
        byte[] svg = Fixtures.svg().getBytes(java.nio.charset.StandardCharsets.UTF_8); // 96x64
        EngineResult r = convert(svg, ImageFormat.PNG, 300, 300, Fit.COVER, true);
        assertThat(new int[] {r.width(), r.height()}).containsExactly(300, 300);
        BufferedImage img = Fixtures.read(r.bytes());
        assertThat(img.getHeight()).isEqualTo(300);
        r = convert(svg, ImageFormat.JPEG, 300, 300, Fit.CONTAIN, true);
        img = Fixtures.read(r.bytes());
        assertThat(new int[] {img.getWidth(), img.getHeight()}).containsExactly(300, 300);
        assertThat(close(img.getRGB(150, 10), 0xFFFFFF)).isTrue(); // 200 px tall, 50 white rows above
        assertThat(close(img.getRGB(150, 150), 0x2080C0)).isTrue();
    }

    @Test
    void coverAndContainNeedBothSides() {
        assertThatThrownBy(() -> new ConversionSpec(ImageFormat.PNG, 80, 100, null, false, false, Fixtures.LIMITS,
                Duration.ofSeconds(1), null, Fit.COVER)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ConversionSpec(ImageFormat.PNG, 80, 100, null, false, false, Fixtures.LIMITS,
                Duration.ofSeconds(1), null, null).fit()).isEqualTo(Fit.INSIDE);
    }

    @Test
    void anEnlargedOrPaddedResultIsHeldToThePixelLimits() {
        byte[] png = TestImages.encode(TestImages.bands(40, 20), "png");
        ImageLimits small = new ImageLimits(1 << 20, 500, 500, 1, true);
        ImageInfo info = engine.probe(png, small);
        for (ConversionSpec spec : new ConversionSpec[] {
                new ConversionSpec(ImageFormat.PNG, 80, 2000, null, true, false, small, Duration.ofSeconds(5)),
                new ConversionSpec(ImageFormat.PNG, 80, 600, 100, false, false, small, Duration.ofSeconds(5), null,
                        Fit.CONTAIN),
                new ConversionSpec(ImageFormat.PNG, 80, 100, 600, true, false, small, Duration.ofSeconds(5), null,
                        Fit.COVER) }) {
            assertThatThrownBy(() -> engine.convert(png, spec)).as(spec.toString())
                    .isInstanceOf(PayloadTooLargeException.class)
                    .hasMessageContaining("the result would be")
                    .satisfies(e -> assertThat(((PixmillException) e).code()).isEqualTo("image_too_large"));
            assertThatThrownBy(() -> ImageEngine.checkResultSize(info, spec)).as(spec.toString())
                    .isInstanceOf(PayloadTooLargeException.class);
        }
        // within the limits: 400x200 (inside 400x400, enlarged) is 0.08 MP, 400x400 under 1 MP
        EngineResult r = engine.convert(png, new ConversionSpec(ImageFormat.PNG, 80, 400, 400, true, false, small,
                Duration.ofSeconds(5)));
        assertThat(new int[] {r.width(), r.height()}).containsExactly(400, 200);
        ImageEngine.checkResultSize(info, new ConversionSpec(ImageFormat.PNG, 80, 500, 500, false, false, small,
                Duration.ofSeconds(5), null, Fit.CONTAIN));
    }

    @Test
    void theMemoryReservedCountsTheEnlargedResult() {
        EngineMemory memory = new EngineMemory(64L << 20);
        ImageEngine budgeted = new ImageEngine(VectorRenderer.Settings.defaults(), memory);
        byte[] png = TestImages.encode(TestImages.bands(40, 20), "png"); // tiny: only the result can be large
        // 4000x4000 WebP is about 16 MP * 7 bytes in libwebp: over a 64 MB budget
        for (Fit fit : Fit.values()) {
            ConversionSpec spec = new ConversionSpec(ImageFormat.WEBP, 80, 4000, 4000, fit != Fit.CONTAIN, false,
                    Fixtures.LIMITS, Duration.ofSeconds(30), null, fit);
            assertThatThrownBy(() -> budgeted.convert(png, spec)).as(fit.name())
                    .isInstanceOf(PayloadTooLargeException.class)
                    .hasMessageContaining("the engine's limit is 64 MB");
        }
        assertThat(memory.availableBytes()).isEqualTo(64L << 20);
        EngineResult r = budgeted.convert(png, new ConversionSpec(ImageFormat.WEBP, 80, 1000, 1000, true, false,
                Fixtures.LIMITS, Duration.ofSeconds(30), null, Fit.COVER));
        assertThat(new int[] {r.width(), r.height()}).containsExactly(1000, 1000);
    }

    static BufferedImage rgbOf(byte[] bytes) {
        Animations.Decoded d = Animations.decode(bytes);
        BufferedImage img = new BufferedImage(d.width(), d.pageHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < d.pageHeight(); y++) {
            for (int x = 0; x < d.width(); x++) {
                int[] p = d.pixel(0, x, y);
                img.setRGB(x, y, p[0] << 16 | p[1] << 8 | p[2]);
            }
        }
        return img;
    }

    static BufferedImage bmp(byte[] bytes) {
        try {
            var reader = javax.imageio.ImageIO.getImageReadersByFormatName("bmp").next();
            reader.setInput(javax.imageio.ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(bytes)));
            return reader.read(0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
