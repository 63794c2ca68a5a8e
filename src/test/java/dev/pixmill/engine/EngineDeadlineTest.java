package dev.pixmill.engine;

import dev.pixmill.error.InvalidImageException;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The job deadline stops libvips mid-computation, not only between pipeline steps. */
class EngineDeadlineTest {

    private static final ImageLimits LIMITS = new ImageLimits(64L << 20, 8000, 8000, 64, true);

    @Test
    void aRunawayEncodeIsStoppedAtTheDeadline() throws Exception {
        ImageEngine engine = new ImageEngine();
        byte[] noise = noiseJpeg(4000, 4000);
        ConversionSpec unbounded = new ConversionSpec(ImageFormat.PNG, 90, null, null, false, false, LIMITS,
                Duration.ofMinutes(5));
        long t0 = System.nanoTime();
        EngineResult full = engine.convert(noise, unbounded);
        long fullMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(full.width()).isEqualTo(4000);
        assertThat(fullMillis).as("the reference conversion must be long enough to interrupt").isGreaterThan(600);

        Duration deadline = Duration.ofMillis(fullMillis / 6);
        ConversionSpec bounded = new ConversionSpec(ImageFormat.PNG, 90, null, null, false, false, LIMITS, deadline);
        long t1 = System.nanoTime();
        assertThatThrownBy(() -> engine.convert(noise, bounded))
                .isInstanceOf(InvalidImageException.class)
                .satisfies(e -> assertThat(((InvalidImageException) e).code()).isEqualTo("timeout"));
        long stoppedMillis = (System.nanoTime() - t1) / 1_000_000;
        // without the kill, the encode would run to its end (~fullMillis) before the step check fires
        assertThat(stoppedMillis).isLessThan(fullMillis / 2);

        // the engine is still healthy afterwards
        assertThat(engine.convert(noise, new ConversionSpec(ImageFormat.JPEG, 80, 100, 100, false, false, LIMITS,
                Duration.ofSeconds(30))).width()).isEqualTo(100);
    }

    private static byte[] noiseJpeg(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(42);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                row[x] = random.nextInt(0x1000000);
            }
            img.setRGB(0, y, w, 1, row, 0, w);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }
}
