package dev.pixmill.engine;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class OperationKeyTest {

    private static final byte[] INPUT = { 1, 2, 3, 4, 5 };
    private static final ImageLimits LIMITS = new ImageLimits(20_000_000, 8000, 8000, 64, true);
    private static final String VIPS = "8.16.0";

    private static ConversionSpec base() {
        return new ConversionSpec(ImageFormat.WEBP, 80, 400, 300, false, false, LIMITS, Duration.ofSeconds(30),
                null, Fit.INSIDE);
    }

    @Test
    void theSameWorkHasTheSameKey() {
        String key = OperationKey.of(INPUT, base(), VIPS);
        assertThat(key).matches("[0-9a-f]{64}");
        assertThat(OperationKey.of(INPUT.clone(), base(), VIPS)).isEqualTo(key);
    }

    @Test
    void theTimeoutDecidesNothingAboutTheOutput() {
        ConversionSpec b = base();
        ConversionSpec slower = new ConversionSpec(b.output(), b.quality(), b.width(), b.height(), b.upscale(),
                b.keepMetadata(), b.limits(), Duration.ofMinutes(5), b.compression(), b.fit());
        assertThat(OperationKey.of(INPUT, slower, VIPS)).isEqualTo(OperationKey.of(INPUT, base(), VIPS));
    }

    @Test
    void everyOutputDecidingMemberChangesTheKey() {
        ConversionSpec b = base();
        Duration t = b.timeout();
        List<ConversionSpec> variants = List.of(
                b,
                new ConversionSpec(ImageFormat.AVIF, 80, 400, 300, false, false, LIMITS, t, null, Fit.INSIDE),
                new ConversionSpec(ImageFormat.WEBP, 81, 400, 300, false, false, LIMITS, t, null, Fit.INSIDE),
                new ConversionSpec(ImageFormat.WEBP, 80, 401, 300, false, false, LIMITS, t, null, Fit.INSIDE),
                new ConversionSpec(ImageFormat.WEBP, 80, 400, 301, false, false, LIMITS, t, null, Fit.INSIDE),
                new ConversionSpec(ImageFormat.WEBP, 80, null, 300, false, false, LIMITS, t, null, Fit.INSIDE),
                new ConversionSpec(ImageFormat.WEBP, 80, 400, null, false, false, LIMITS, t, null, Fit.INSIDE),
                new ConversionSpec(ImageFormat.WEBP, 80, 400, 300, true, false, LIMITS, t, null, Fit.INSIDE),
                new ConversionSpec(ImageFormat.WEBP, 80, 400, 300, false, true, LIMITS, t, null, Fit.INSIDE),
                new ConversionSpec(ImageFormat.WEBP, 80, 400, 300, false, false, LIMITS, t, null, Fit.COVER),
                new ConversionSpec(ImageFormat.WEBP, 80, 400, 300, false, false, LIMITS, t, null, Fit.CONTAIN),
                new ConversionSpec(ImageFormat.WEBP, 80, 400, 300, false, false, LIMITS, t,
                        new Compression(Compression.Kind.LEVEL, 5), Fit.INSIDE),
                new ConversionSpec(ImageFormat.WEBP, 80, 400, 300, false, false, LIMITS, t,
                        new Compression(Compression.Kind.LEVEL, 6), Fit.INSIDE),
                new ConversionSpec(ImageFormat.WEBP, 80, 400, 300, false, false, LIMITS, t,
                        new Compression(Compression.Kind.TARGET_KB, 5), Fit.INSIDE),
                // a caller with stricter limits must not be served what its limits would refuse
                new ConversionSpec(ImageFormat.WEBP, 80, 400, 300, false, false,
                        new ImageLimits(5_000_000, 8000, 8000, 64, true), t, null, Fit.INSIDE));
        Set<String> keys = new HashSet<>();
        for (ConversionSpec spec : variants) {
            keys.add(OperationKey.of(INPUT, spec, VIPS));
        }
        assertThat(keys).hasSize(variants.size());
    }

    @Test
    void otherInputBytesOrAnotherLibvipsGiveAnotherKey() {
        String key = OperationKey.of(INPUT, base(), VIPS);
        assertThat(OperationKey.of(new byte[] { 1, 2, 3, 4, 6 }, base(), VIPS)).isNotEqualTo(key);
        assertThat(OperationKey.of(new byte[] { 1, 2, 3, 4 }, base(), VIPS)).isNotEqualTo(key);
        assertThat(OperationKey.of(INPUT, base(), "8.17.0")).isNotEqualTo(key);
    }

    @Test
    void theCanonicalTextNamesTheVersions() {
        assertThat(OperationKey.canonical(base(), VIPS))
                .startsWith("v" + OperationKey.FORMAT + ";engine=" + OperationKey.ENGINE_REVISION + ";vips=" + VIPS + ";");
    }
}
