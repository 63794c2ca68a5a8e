package dev.pixmill.engine.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pixmill.engine.Compression;
import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.engine.vips.Vips;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.support.Pictures;
import java.awt.image.BufferedImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The compression searches on real encodes, decoded and measured in the assertions. */
class CompressionEngineTest {

    static final ImageLimits LIMITS = new ImageLimits(20 << 20, 8000, 8000, 64, true);
    static ImageEngine engine;
    static byte[] photoJpeg;
    static byte[] photoPng;
    static byte[] graphicPng;
    static byte[] screenshotPng;

    @BeforeAll
    static void images() {
        engine = new ImageEngine();
        BufferedImage photo = Pictures.photo(800, 600);
        photoJpeg = vipsEncode(photo, ".jpg[Q=92]");
        photoPng = vipsEncode(photo, ".png");
        graphicPng = vipsEncode(Pictures.graphic(640, 400), ".png");
        screenshotPng = vipsEncode(Pictures.screenshot(700, 500), ".png");
    }

    @Test
    void levelOneKeepsEveryPixelOfAJpeg() {
        EngineResult r = compress(photoJpeg, ImageFormat.JPEG, null, Compression.level(1));
        assertThat(r.bytes().length).isLessThan(photoJpeg.length);
        assertThat(r.report().pass()).isEqualTo("jpeg lossless re-coding");
        assertThat(r.bytes()[0] & 0xFF).isEqualTo(0xFF);
        assertThat(pixels(r.bytes())).isEqualTo(pixels(photoJpeg));
    }

    @Test
    void levelOneKeepsEveryPixelOfPngs() {
        for (byte[] png : List.of(photoPng, graphicPng, screenshotPng)) {
            EngineResult r = compress(png, ImageFormat.PNG, null, Compression.level(1));
            assertThat(r.bytes().length).isLessThanOrEqualTo(png.length);
            assertThat(pixels(r.bytes())).isEqualTo(pixels(png));
        }
    }

    @Test
    void aGraphicWithFewColoursBecomesAnExactPalette() {
        EngineResult r = compress(graphicPng, ImageFormat.PNG, null, Compression.level(1));
        assertThat(r.report().pass()).contains("palette");
        assertThat(r.bytes().length).isLessThan(graphicPng.length / 2);
        assertThat(pixels(r.bytes())).isEqualTo(pixels(graphicPng));
    }

    @Test
    void theLadderIsMonotonicAndNeverAboveTheOriginal() {
        Map<String, byte[]> inputs = Map.of("photo.jpg", photoJpeg, "photo.png", photoPng, "graphic.png", graphicPng,
                "screenshot.png", screenshotPng);
        for (var input : inputs.entrySet()) {
            ImageFormat same = input.getKey().endsWith(".jpg") ? ImageFormat.JPEG : ImageFormat.PNG;
            for (ImageFormat out : List.of(same, ImageFormat.WEBP)) {
                int previous = Integer.MAX_VALUE;
                for (int level = 1; level <= 10; level++) {
                    EngineResult r = compress(input.getValue(), out, null, Compression.level(level));
                    assertDecodesAs(r.bytes(), out, 0);
                    assertThat(r.bytes().length).as("%s -> %s level %d (%s)", input.getKey(), out, level,
                            r.report().pass()).isLessThanOrEqualTo(previous);
                    if (out == same) {
                        assertThat(r.bytes().length).isLessThanOrEqualTo(input.getValue().length);
                    }
                    previous = r.bytes().length;
                }
            }
        }
    }

    @Test
    void levelTenShrinksAPhotoWellBelowQ80WithCloseSsim() {
        EngineResult q80 = engine.convert(photoJpeg, new ConversionSpec(ImageFormat.JPEG, 80, 600, 600, false, false,
                LIMITS, Duration.ofSeconds(60)));
        EngineResult l10 = compress(photoJpeg, ImageFormat.JPEG, 600, Compression.level(10));
        byte[] ref = compress(photoJpeg, ImageFormat.PNG, 600, Compression.level(1)).bytes();
        assertThat(l10.bytes().length).isLessThan(q80.bytes().length);
        assertThat(ssim(ref, l10.bytes())).isGreaterThan(ssim(ref, q80.bytes()) - 0.005);
        assertThat(l10.report().ssim()).isBetween(0.8, 1.0);
    }

    /** The bound holds per image because the search calibrates on the plain q80 encode itself. */
    @Test
    void webpLevelTenStaysWithinTheSsimBoundOfQ80AtSmallBoxes() {
        for (int box : List.of(200, 400)) {
            byte[] ref = compress(photoJpeg, ImageFormat.PNG, box, Compression.level(1)).bytes();
            byte[] q80 = engine.convert(photoJpeg, new ConversionSpec(ImageFormat.WEBP, 80, box, box, false, false,
                    LIMITS, Duration.ofSeconds(60))).bytes();
            EngineResult l10 = compress(photoJpeg, ImageFormat.WEBP, box, Compression.level(10));
            assertThat(l10.bytes().length).as("box %d", box).isLessThanOrEqualTo(q80.length);
            assertThat(ssim(ref, l10.bytes())).as("box %d (%s)", box, l10.report().pass())
                    .isGreaterThanOrEqualTo(ssim(ref, q80) - 0.005);
        }
    }

    @Test
    void levelTenJpegSearchesInAFewEncodes() {
        EngineResult r = compress(photoPng, ImageFormat.JPEG, null, Compression.level(10));
        // the q80 anchor, the secant probes, the final entropy-coded encode
        assertThat(r.report().encodes()).isLessThanOrEqualTo(6);
    }

    @Test
    void aJpegDraftHasTheFinalEncodesPixels() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment im = Vips.newFromBuffer(a, Vips.buffer(a, photoPng), "");
            try {
                for (boolean subsample : List.of(true, false)) {
                    Encoding full = Encoding.lossy(ImageFormat.JPEG, 70, subsample);
                    byte[] finished = Vips.writeToBuffer(a, im, full.suffix(true));
                    byte[] draft = Vips.writeToBuffer(a, im, full.asDraft().suffix(true));
                    assertThat(draft).isNotEqualTo(finished);
                    assertThat(pixels(draft)).isEqualTo(pixels(finished));
                }
            } finally {
                Vips.unref(im);
            }
        }
    }

    @Test
    void theQualitySearchFindsTheLowestPassingQualityInFewProbes() {
        for (double slope : List.of(-0.01, -0.03, -0.06)) {
            for (double target : List.of(0.985, 0.99, 0.995, 0.998)) {
                QualitySearch.Probe curve = q -> 1 - 0.01 * Math.exp(slope * (q - 80));
                int lowest = 30;
                while (lowest <= 98 && curve.ssim(lowest) < target) {
                    lowest++;
                }
                QualitySearch.Result r = QualitySearch.lowestPassing(curve, target, 30, 98, 80, curve.ssim(80), 6);
                assertThat(r.quality()).as("slope %s target %s", slope, target).isEqualTo(lowest > 98 ? -1 : lowest);
                assertThat(r.probes()).isLessThanOrEqualTo(lowest == 30 || lowest > 98 ? 3 : 5);
            }
        }
    }

    @Test
    void theOriginalIsReturnedWhenNothingBeatsIt() {
        byte[] tiny = compress(photoJpeg, ImageFormat.JPEG, 64, Compression.quality(30)).bytes();
        EngineResult r = compress(tiny, ImageFormat.JPEG, null, Compression.quality(100));
        assertThat(r.report().original()).isTrue();
        assertThat(r.bytes()).isEqualTo(tiny);
    }

    @Test
    void aTargetSizeLandsAtOrJustUnderIt() {
        for (ImageFormat f : List.of(ImageFormat.JPEG, ImageFormat.WEBP)) {
            EngineResult r = compress(photoPng, f, null, Compression.targetKb(40));
            assertThat(r.bytes().length).as("%s", f).isLessThanOrEqualTo(40 * 1024).isGreaterThan(30 * 1024);
            assertThat(r.report().encodes()).isLessThanOrEqualTo(8);
            assertThat(r.width()).isEqualTo(800);
            assertDecodesAs(r.bytes(), f, 800);
        }
    }

    @Test
    void aTargetBelowTheLowestQualityScalesDown() {
        EngineResult r = compress(photoPng, ImageFormat.JPEG, null, Compression.targetKb(4));
        assertThat(r.bytes().length).isLessThanOrEqualTo(4 * 1024);
        assertThat(r.width()).isLessThan(800);
        assertDecodesAs(r.bytes(), ImageFormat.JPEG, r.width());
    }

    @Test
    void pngRefusesATargetSize() {
        assertThatThrownBy(() -> compress(photoPng, ImageFormat.PNG, null, Compression.targetKb(40)))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("lossy output format");
    }

    @Test
    void smartQualitiesOrderBySize() {
        int high = compress(photoJpeg, ImageFormat.JPEG, null, Compression.smart(Compression.Smart.HIGH)).bytes().length;
        int medium = compress(photoJpeg, ImageFormat.JPEG, null, Compression.smart(Compression.Smart.MEDIUM)).bytes().length;
        int low = compress(photoJpeg, ImageFormat.JPEG, null, Compression.smart(Compression.Smart.LOW)).bytes().length;
        assertThat(high).isGreaterThan(medium);
        assertThat(medium).isGreaterThan(low);
    }

    @Test
    void ssimIsOneForIdenticalPlanesAndFallsWithNoise() {
        byte[] a = new byte[64 * 64];
        new Random(1).nextBytes(a);
        byte[] b = a.clone();
        assertThat(Ssim.of(new Luma(a, 64, 64), new Luma(b, 64, 64))).isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        for (int i = 0; i < b.length; i += 3) {
            b[i] = (byte) (b[i] + 40);
        }
        assertThat(Ssim.of(new Luma(a, 64, 64), new Luma(b, 64, 64))).isLessThan(0.9);
    }

    // ---- helpers -------------------------------------------------------------------------------

    static EngineResult compress(byte[] in, ImageFormat out, Integer box, Compression c) {
        return engine.convert(in, new ConversionSpec(out, 80, box, box, false, false, LIMITS, Duration.ofSeconds(60), c));
    }

    static double ssim(byte[] a, byte[] b) {
        return Ssim.of(Luma.ofEncoded(a, ""), Luma.ofEncoded(b, ""));
    }

    /** Decoded pixels as RGB (alpha dropped only where it is fully opaque everywhere). */
    static byte[] pixels(byte[] encoded) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment im = Vips.newFromBuffer(a, Vips.buffer(a, encoded), "");
            try {
                MemorySegment rgb = Vips.bands(im) == 4 || Vips.bands(im) == 2 ? Vips.flatten(a, im, 255, 0, 255) : im;
                try {
                    return Vips.writeToMemory(a, rgb);
                } finally {
                    if (rgb != im) {
                        Vips.unref(rgb);
                    }
                }
            } finally {
                Vips.unref(im);
            }
        }
    }

    static void assertDecodesAs(byte[] bytes, ImageFormat f, int width) {
        byte[] magic = Arrays.copyOf(bytes, 12);
        switch (f) {
            case JPEG -> assertThat(magic[0] & 0xFF).isEqualTo(0xFF);
            case PNG -> assertThat(magic[1]).isEqualTo((byte) 'P');
            case WEBP -> assertThat(new String(magic, 8, 4)).isEqualTo("WEBP");
            default -> { }
        }
        assertThat(pixels(bytes)).isNotEmpty();
        if (width > 0) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment im = Vips.newFromBuffer(a, Vips.buffer(a, bytes), "");
                assertThat(Vips.width(im)).isEqualTo(width);
                Vips.unref(im);
            }
        }
    }

    static byte[] vipsEncode(BufferedImage img, String suffix) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                rgb[i++] = (byte) (p >> 16);
                rgb[i++] = (byte) (p >> 8);
                rgb[i++] = (byte) p;
            }
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment im = Vips.newFromMemoryCopy(a, rgb, w, h, 3);
            try {
                return Vips.writeToBuffer(a, im, suffix);
            } finally {
                Vips.unref(im);
            }
        }
    }
}
