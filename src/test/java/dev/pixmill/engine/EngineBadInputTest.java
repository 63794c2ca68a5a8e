package dev.pixmill.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pixmill.error.InvalidImageException;
import dev.pixmill.error.PayloadTooLargeException;
import dev.pixmill.error.UnsupportedFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EngineBadInputTest {

    static ImageEngine engine;
    static byte[] png;
    static byte[] jpeg;

    @BeforeAll
    static void setUp() {
        engine = new ImageEngine();
        png = Fixtures.png(Fixtures.base(400, 300));
        jpeg = engine.convert(png, Fixtures.spec(ImageFormat.JPEG, null, null)).bytes();
    }

    private static EngineResult toWebp(byte[] in) {
        return engine.convert(in, Fixtures.spec(ImageFormat.WEBP, 100, 100));
    }

    @Test
    void emptyIsUnsupported() {
        assertThatThrownBy(() -> toWebp(new byte[0])).isInstanceOf(UnsupportedFormatException.class);
        assertThatThrownBy(() -> engine.probe(new byte[0], Fixtures.LIMITS))
                .isInstanceOf(UnsupportedFormatException.class);
    }

    @Test
    void randomBytesAndTextAreUnsupported() {
        byte[] noise = {0x13, 0x37, (byte) 0xAB, 0x42, 0x00, 0x7F, 0x55, (byte) 0xEE, 0x01, 0x10};
        assertThatThrownBy(() -> toWebp(noise)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("not an image format");
        byte[] text = "hello, this is not an image\n".repeat(20).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> engine.probe(text, Fixtures.LIMITS)).isInstanceOf(UnsupportedFormatException.class);
        byte[] html = "<html><body><svg></svg></body></html>".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> toWebp(html)).isInstanceOf(UnsupportedFormatException.class);
    }

    @Test
    void truncatedJpegAndPngAreInvalid() {
        byte[] halfJpeg = Arrays.copyOf(jpeg, jpeg.length / 2);
        byte[] halfPng = Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> toWebp(halfJpeg)).isInstanceOf(InvalidImageException.class)
                .satisfies(e -> assertThat(((InvalidImageException) e).code()).isEqualTo("invalid_image"));
        assertThatThrownBy(() -> toWebp(halfPng)).isInstanceOf(InvalidImageException.class);
        // header only: also refused when the header itself is cut
        assertThatThrownBy(() -> engine.probe(Arrays.copyOf(png, 20), Fixtures.LIMITS))
                .isInstanceOf(InvalidImageException.class);
        assertThatThrownBy(() -> engine.probe(Arrays.copyOf(jpeg, 8), Fixtures.LIMITS))
                .isInstanceOf(InvalidImageException.class);
    }

    @Test
    void corruptBmpAndIcoAreInvalid() {
        byte[] bmp = engine.convert(png, Fixtures.spec(ImageFormat.BMP, null, null)).bytes();
        assertThatThrownBy(() -> toWebp(Arrays.copyOf(bmp, 30))).isInstanceOf(InvalidImageException.class);
        byte[] ico = {0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, (byte) 0xFF, 0x7F, 0, 0, 22, 0, 0, 0};
        assertThatThrownBy(() -> toWebp(ico)).isInstanceOf(InvalidImageException.class);
    }

    @Test
    void pixelBombFailsFastBeforeDecoding() {
        byte[] bomb = Fixtures.pngHeaderClaiming(100_000, 100_000);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> toWebp(bomb)).isInstanceOf(PayloadTooLargeException.class)
                .hasMessageContaining("100000x100000").hasMessageContaining("8000x8000")
                .hasMessageContaining("64 megapixels");
        assertThatThrownBy(() -> engine.probe(bomb, Fixtures.LIMITS)).isInstanceOf(PayloadTooLargeException.class)
                .satisfies(e -> assertThat(((PayloadTooLargeException) e).code()).isEqualTo("image_too_large"));
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
        // within width/height but over the megapixels
        byte[] wide = Fixtures.pngHeaderClaiming(8000, 8001);
        assertThatThrownBy(() -> engine.probe(wide, Fixtures.LIMITS)).isInstanceOf(PayloadTooLargeException.class);
        ImageLimits strict = new ImageLimits(1 << 20, 2000, 2000, 64, false);
        assertThatThrownBy(() -> engine.probe(Fixtures.pngHeaderClaiming(2001, 10), strict))
                .isInstanceOf(PayloadTooLargeException.class).hasMessageContaining("2000x2000");
    }

    @Test
    void overTheByteLimit() {
        ImageLimits tiny = new ImageLimits(1000, 8000, 8000, 64, true);
        assertThatThrownBy(() -> engine.convert(png, new ConversionSpec(ImageFormat.PNG, 80, null, null, false, false,
                tiny, Duration.ofSeconds(10)))).isInstanceOf(PayloadTooLargeException.class)
                .hasMessageContaining("limit is 1000 bytes");
    }

    @Test
    void timeoutIsReported() {
        assertThatThrownBy(() -> engine.convert(png, new ConversionSpec(ImageFormat.AVIF, 80, null, null, false,
                false, Fixtures.LIMITS, Duration.ofNanos(1)))).isInstanceOf(InvalidImageException.class)
                .satisfies(e -> assertThat(((InvalidImageException) e).code()).isEqualTo("timeout"));
    }
}
