package dev.pixmill.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** 10,000 small conversions: native memory must not grow. */
class EngineLeakTest {

    @Test
    void rssStaysFlat() {
        ImageEngine engine = new ImageEngine();
        byte[] png = Fixtures.png(Fixtures.base(64, 64));
        ConversionSpec spec = Fixtures.spec(ImageFormat.WEBP, null, null);
        long t0 = System.nanoTime();
        long after1k = 0;
        for (int i = 1; i <= 10_000; i++) {
            EngineResult r = engine.convert(png, spec);
            if (r.bytes().length < 20) {
                throw new AssertionError("empty result");
            }
            if (i % 2_000 == 0) {
                engine.probe(png, Fixtures.LIMITS);
            }
            if (i == 1_000) {
                System.gc();
                after1k = Fixtures.rssKb();
            }
        }
        System.gc();
        long after10k = Fixtures.rssKb();
        System.out.printf("leak check: RSS %d MB after 1k, %d MB after 10k, %d ms%n", after1k / 1024,
                after10k / 1024, (System.nanoTime() - t0) / 1_000_000);
        assertThat(after10k - after1k).isLessThan(64 * 1024);
    }
}
