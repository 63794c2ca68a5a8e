package dev.pixmill.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pixmill.error.InvalidImageException;
import dev.pixmill.error.PayloadTooLargeException;
import dev.pixmill.error.PixmillException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * SVG and PDF render in a child process that the deadline kills and the kernel bounds: a render
 * that would run for minutes or take gigabytes fails with a clear error, and the caller's thread
 * is free again at once.
 */
class EngineVectorBoundsTest {

    /** Passes the sanitizer (8 octaves is the limit) but takes many seconds at 9 MP (given 256 MB to render in). */
    static final String SLOW_TURBULENCE = """
            <svg xmlns="http://www.w3.org/2000/svg" width="3000" height="3000">
              <filter id="t"><feTurbulence baseFrequency="0.02" numOctaves="8"/></filter>
              <rect width="3000" height="3000" filter="url(#t)"/>
            </svg>""";

    /** A blur over a wide filter region: librsvg allocates surfaces far beyond the canvas. */
    static final String HUNGRY_BLUR = """
            <svg xmlns="http://www.w3.org/2000/svg" width="4000" height="4000">
              <filter id="b" x="-5" y="-5" width="11" height="11"><feGaussianBlur stdDeviation="200"/></filter>
              <rect width="4000" height="4000" fill="red" filter="url(#b)"/>
            </svg>""";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aRenderPastItsTimeIsKilledAndTheCallerIsFreeAtOnce() {
        ImageEngine engine = new ImageEngine(new VectorRenderer.Settings("vips", Duration.ofSeconds(2), 256L << 20,
                512L << 20), new EngineMemory(1L << 30));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> engine.convert(utf8(SLOW_TURBULENCE), Fixtures.spec(ImageFormat.PNG, null, null)))
                .isInstanceOf(InvalidImageException.class)
                .satisfies(e -> assertThat(((PixmillException) e).code()).isEqualTo("timeout"))
                .hasMessageContaining("rendering the SVG took longer than the limit of 2 s");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(6));
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
                .as("renderer processes left running").isZero();

        // the same engine renders the next SVG normally
        EngineResult ok = engine.convert(utf8("""
                <svg xmlns="http://www.w3.org/2000/svg" width="300" height="150"><rect width="300" height="150"
                fill="#00ff00"/></svg>"""), Fixtures.spec(ImageFormat.PNG, null, null));
        assertThat(ok.width()).isEqualTo(300);
        assertThat(ok.height()).isEqualTo(150);
        assertThat((Fixtures.read(ok.bytes()).getRGB(10, 10) >> 8) & 0xFF).isGreaterThan(200);
    }

    @Test
    void theConversionDeadlineAlsoStopsTheRender() {
        ImageEngine engine = new ImageEngine(new VectorRenderer.Settings("vips", Duration.ofSeconds(20), 256L << 20,
                512L << 20), new EngineMemory(1L << 30));
        ConversionSpec spec = new ConversionSpec(ImageFormat.WEBP, 80, null, null, false, false,
                Fixtures.LIMITS, Duration.ofSeconds(1));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> engine.convert(utf8(SLOW_TURBULENCE), spec))
                .isInstanceOf(InvalidImageException.class)
                .satisfies(e -> assertThat(((PixmillException) e).code()).isEqualTo("timeout"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aRenderOverItsMemoryIsRefusedNamingTheLimit() {
        ImageEngine engine = new ImageEngine(new VectorRenderer.Settings("vips", Duration.ofSeconds(20), 96L << 20,
                512L << 20), new EngineMemory(ImageEngine.DEFAULT_MEMORY_BUDGET));
        assertThatThrownBy(() -> engine.convert(utf8(HUNGRY_BLUR), Fixtures.spec(ImageFormat.JPEG, null, null)))
                .isInstanceOf(PayloadTooLargeException.class)
                .satisfies(e -> assertThat(((PixmillException) e).code()).isEqualTo("image_too_large"))
                .hasMessageContaining("96 MB");
    }

    @Test
    void anOrdinaryFilterRendersWithinTheDefaultLimits() {
        EngineResult r = new ImageEngine().convert(utf8("""
                <svg xmlns="http://www.w3.org/2000/svg" width="2000" height="2000">
                  <filter id="s"><feGaussianBlur stdDeviation="10"/></filter>
                  <rect x="100" y="100" width="1800" height="1800" fill="#0088ff" filter="url(#s)"/>
                </svg>"""), Fixtures.spec(ImageFormat.PNG, null, null));
        assertThat(r.width()).isEqualTo(2000);
        assertThat(r.height()).isEqualTo(2000);
        int centre = Fixtures.read(r.bytes()).getRGB(1000, 1000);
        assertThat(centre & 0xFF).as("blue").isGreaterThan(240);
        assertThat((centre >> 16) & 0xFF).as("red").isLessThan(16);
        assertThat(Fixtures.read(r.bytes()).getRGB(10, 10) >>> 24).as("outside: transparent").isZero();
    }

    @Test
    void renderedSvgIsResizedAsBeforeAndKeepsAlpha() {
        ImageEngine engine = new ImageEngine();
        EngineResult r = engine.convert(utf8("""
                <svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><circle cx="100" cy="100" r="90"
                fill="#0000ff"/></svg>"""), Fixtures.spec(ImageFormat.PNG, 100, null));
        assertThat(r.width()).isEqualTo(100);
        assertThat(r.height()).isEqualTo(50);
        var img = Fixtures.read(r.bytes());
        assertThat(img.getColorModel().hasAlpha()).isTrue();
        assertThat(img.getRGB(25, 25) & 0xFF).isGreaterThan(200); // inside the circle: blue
        assertThat(img.getRGB(90, 25) >>> 24).isZero(); // outside: transparent
    }
}
