package dev.pixmill.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pixmill.error.PayloadTooLargeException;
import dev.pixmill.error.PixmillException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine's memory is bounded by its budget, not by the input. */
class EngineMemoryTest {

    private static final ImageLimits LIMITS = new ImageLimits(20 << 20, 8000, 8000, 64, true);

    private static ConversionSpec spec(ImageFormat out, Integer w) {
        return new ConversionSpec(out, 80, w, w, false, false, LIMITS, Duration.ofSeconds(30));
    }

    @Test
    void aConversionThatWouldNotFitAloneIsRefusedBeforeDecodingNamingTheBudget() {
        EngineMemory memory = new EngineMemory(64L << 20);
        ImageEngine engine = new ImageEngine(VectorRenderer.Settings.defaults(), memory);
        // a 6000x6000 PNG (small on disk, 36 MP once decoded) straight to WebP: ~300 MB in libwebp
        byte[] png = Fixtures.png(Fixtures.base(6000, 6000));
        assertThatThrownBy(() -> engine.convert(png, spec(ImageFormat.WEBP, null)))
                .isInstanceOf(PayloadTooLargeException.class)
                .satisfies(e -> assertThat(((PixmillException) e).code()).isEqualTo("image_too_large"))
                .hasMessageContaining("6000x6000").hasMessageContaining("the engine's limit is 64 MB");
        assertThat(memory.availableBytes()).isEqualTo(64L << 20);
        // resized, the same input fits and converts
        EngineResult small = engine.convert(png, spec(ImageFormat.WEBP, 500));
        assertThat(small.width()).isEqualTo(500);
        assertThat(memory.availableBytes()).as("reservation returned").isEqualTo(64L << 20);
    }

    @Test
    void aPhoneSizedPhotoFitsACompressionSearchInTheDefaultBudget() {
        // 12 MP, as phones take them: the compression dialects' everyday input, at full size
        ImageEngine engine = new ImageEngine();
        byte[] jpeg = dev.pixmill.support.TestImages.encode(dev.pixmill.support.Pictures.photo(4000, 3000), "jpg");
        var spec = new ConversionSpec(ImageFormat.JPEG, 80, null, null, false, false, LIMITS, Duration.ofSeconds(60),
                Compression.smart(Compression.Smart.MEDIUM));
        EngineResult result = engine.convert(jpeg, spec);
        assertThat(result.width()).isEqualTo(4000);
        assertThat(result.bytes().length).isLessThanOrEqualTo(jpeg.length);
        assertThat(engine.memory().availableBytes()).isEqualTo(ImageEngine.DEFAULT_MEMORY_BUDGET);
    }

    @Test
    void conversionsThatDoNotFitTogetherWaitForEachOther() throws Exception {
        EngineMemory memory = new EngineMemory(200L << 20);
        ImageEngine engine = new ImageEngine(VectorRenderer.Settings.defaults(), memory);
        byte[] png = Fixtures.png(Fixtures.base(4000, 4000)); // 16 MP to WebP: ~150 MB each
        EngineMemory.Reservation held = memory.reserve(120L << 20, System.nanoTime() + TimeUnit.SECONDS.toNanos(1),
                "test");
        CompletableFuture<EngineResult> waiting = CompletableFuture.supplyAsync(
                () -> engine.convert(png, spec(ImageFormat.WEBP, null)));
        Thread.sleep(500);
        assertThat(waiting).as("waits while the memory is held").isNotDone();
        held.close();
        EngineResult r = waiting.get(60, TimeUnit.SECONDS);
        assertThat(r.width()).isEqualTo(4000);
        assertThat(memory.availableBytes()).isEqualTo(200L << 20);
    }

    @Test
    void failedConversionsGiveTheirMemoryBack() {
        EngineMemory memory = new EngineMemory(128L << 20);
        ImageEngine engine = new ImageEngine(VectorRenderer.Settings.defaults(), memory);
        byte[] png = Fixtures.png(Fixtures.base(800, 600));
        byte[] truncated = java.util.Arrays.copyOf(png, png.length / 2);
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> engine.convert(truncated, spec(ImageFormat.WEBP, null)))
                    .isInstanceOf(PixmillException.class);
        }
        assertThat(memory.availableBytes()).isEqualTo(128L << 20);
    }
}
