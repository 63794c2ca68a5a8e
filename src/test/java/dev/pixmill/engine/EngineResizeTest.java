package dev.pixmill.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EngineResizeTest {

    static ImageEngine engine;
    static byte[] png;

    @BeforeAll
    static void setUp() {
        engine = new ImageEngine();
        png = Fixtures.png(Fixtures.base(96, 64));
    }

    private static EngineResult convert(byte[] in, ImageFormat out, Integer w, Integer h, boolean upscale) {
        return engine.convert(in, new ConversionSpec(out, 85, w, h, upscale, false, Fixtures.LIMITS,
                Duration.ofSeconds(60)));
    }

    @Test
    void fitsInsideBox() {
        EngineResult r = convert(png, ImageFormat.PNG, 30, 30, false);
        assertThat(r.width()).isEqualTo(30);
        assertThat(r.height()).isEqualTo(20);
        r = convert(png, ImageFormat.PNG, 90, 12, false);
        assertThat(r.width()).isEqualTo(18);
        assertThat(r.height()).isEqualTo(12);
    }

    @Test
    void oneSideKeepsAspect() {
        EngineResult r = convert(png, ImageFormat.PNG, 48, null, false);
        assertThat(r.width()).isEqualTo(48);
        assertThat(r.height()).isEqualTo(32);
        r = convert(png, ImageFormat.WEBP, null, 16, false);
        assertThat(r.width()).isEqualTo(24);
        assertThat(r.height()).isEqualTo(16);
    }

    @Test
    void neverUpscalesUnlessAsked() {
        EngineResult r = convert(png, ImageFormat.PNG, 500, 500, false);
        assertThat(r.width()).isEqualTo(96);
        assertThat(r.height()).isEqualTo(64);
        r = convert(png, ImageFormat.PNG, null, null, false);
        assertThat(r.width()).isEqualTo(96);
        r = convert(png, ImageFormat.PNG, 192, null, true);
        assertThat(r.width()).isEqualTo(192);
        assertThat(r.height()).isEqualTo(128);
        r = convert(png, ImageFormat.PNG, 300, 256, true);
        assertThat(r.width()).isEqualTo(300);
        assertThat(r.height()).isEqualTo(200);
        int[] d = Fixtures.vipsDecode(r.bytes(), "");
        assertThat(d[0]).isEqualTo(300);
    }

    @Test
    void icoIsFittedInto256() {
        byte[] big = Fixtures.png(Fixtures.base(600, 400));
        EngineResult r = convert(big, ImageFormat.ICO, null, null, false);
        assertThat(r.width()).isEqualTo(256);
        assertThat(r.height()).isCloseTo(171, org.assertj.core.data.Offset.offset(1));
    }

    @Test
    void exifOrientationIsApplied() {
        byte[] jpeg = Fixtures.orientation6Jpeg();
        ImageInfo info = engine.probe(jpeg, Fixtures.LIMITS);
        assertThat(info.width()).isEqualTo(120); // stored size
        EngineResult r = convert(jpeg, ImageFormat.PNG, null, null, false);
        assertThat(r.width()).isEqualTo(80);
        assertThat(r.height()).isEqualTo(120);
        BufferedImage img = Fixtures.read(r.bytes());
        assertThat(img.getWidth()).isEqualTo(80);
        // the mark, stored at the top left, is now at the top right
        assertThat(isRed(img.getRGB(75, 5))).isTrue();
        assertThat(isRed(img.getRGB(5, 5))).isFalse();
        // with a box: fitted after rotation
        r = convert(jpeg, ImageFormat.JPEG, 40, 40, false);
        assertThat(r.width()).isEqualTo(27);
        assertThat(r.height()).isEqualTo(40);
    }

    @Test
    void alphaGoesOntoWhiteForJpeg() {
        EngineResult r = convert(png, ImageFormat.JPEG, null, null, false);
        BufferedImage img = Fixtures.read(r.bytes());
        int p = img.getRGB(90, 58); // inside the transparent square
        assertThat((p >> 16) & 0xFF).isGreaterThan(245);
        assertThat((p >> 8) & 0xFF).isGreaterThan(245);
        assertThat(p & 0xFF).isGreaterThan(245);
        assertThat(isRed(img.getRGB(4, 4))).isTrue();
        // PNG keeps the alpha
        BufferedImage keep = Fixtures.read(convert(png, ImageFormat.PNG, null, null, false).bytes());
        assertThat(keep.getRGB(90, 58) >>> 24).isZero();
    }

    @Test
    void animationIsKeptForGifAndWebpOnly() {
        byte[] gif = Fixtures.animatedGif();
        ImageInfo info = engine.probe(gif, Fixtures.LIMITS);
        assertThat(info.pages()).isEqualTo(3);
        assertThat(info.height()).isEqualTo(32);

        EngineResult toGif = convert(gif, ImageFormat.GIF, 16, 16, false);
        assertThat(toGif.width()).isEqualTo(16);
        assertThat(toGif.height()).isEqualTo(16);
        int[] d = Fixtures.vipsDecode(toGif.bytes(), "n=-1");
        assertThat(d[2]).isEqualTo(3);
        assertThat(d[1]).isEqualTo(16);

        EngineResult toWebp = convert(gif, ImageFormat.WEBP, null, null, false);
        d = Fixtures.vipsDecode(toWebp.bytes(), "n=-1");
        assertThat(d[2]).isEqualTo(3);
        assertThat(d[1]).isEqualTo(32);
        // animated WebP back to GIF keeps its frames too
        d = Fixtures.vipsDecode(convert(toWebp.bytes(), ImageFormat.GIF, null, null, false).bytes(), "n=-1");
        assertThat(d[2]).isEqualTo(3);

        EngineResult toPng = convert(gif, ImageFormat.PNG, null, null, false);
        assertThat(toPng.height()).isEqualTo(32);
        d = Fixtures.vipsDecode(toPng.bytes(), "");
        assertThat(d[2]).isEqualTo(1);
        assertThat(d[1]).isEqualTo(32);
    }

    @Test
    void metadataIsStrippedByDefault() {
        byte[] jpeg = Fixtures.orientation6Jpeg();
        byte[] stripped = convert(jpeg, ImageFormat.JPEG, null, null, false).bytes();
        assertThat(new String(stripped, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("Exif");
    }

    @Test
    void metadataIsKeptWhenAskedForWhereTheFormatHoldsIt() {
        byte[] jpeg = Fixtures.orientation6Jpeg();
        byte[] kept = engine.convert(jpeg, new ConversionSpec(ImageFormat.JPEG, 85, null, null, false, true,
                Fixtures.LIMITS, Duration.ofSeconds(60))).bytes();
        String text = new String(kept, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(text).contains("Exif");
        // the pixels were turned upright, so the kept EXIF must no longer ask for a rotation: a
        // second conversion (which applies EXIF orientation) must not turn the image again
        EngineResult once = convert(jpeg, ImageFormat.JPEG, null, null, false);
        EngineResult twice = convert(kept, ImageFormat.PNG, null, null, false);
        assertThat(twice.width()).isEqualTo(once.width());
        assertThat(twice.height()).isEqualTo(once.height());
    }

    static boolean isRed(int p) {
        return ((p >> 16) & 0xFF) > 200 && ((p >> 8) & 0xFF) < 60 && (p & 0xFF) < 60;
    }
}
