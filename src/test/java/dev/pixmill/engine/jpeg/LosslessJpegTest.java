package dev.pixmill.engine.jpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pixmill.engine.vips.Vips;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real JPEGs made by libvips in the test, re-coded and decoded again in the assertions. */
class LosslessJpegTest {

    private static final int W = 320;
    private static final int H = 240;
    private static final int CMYK = 15; // VIPS_INTERPRETATION_CMYK
    private static final String XMP_ID = "http://ns.adobe.com/xap/1.0/\0";

    private static byte[] baseline;

    @BeforeAll
    static void images() {
        assertThat(LosslessJpeg.available()).as("libturbojpeg.so.0 loaded").isTrue();
        baseline = asJfif(encode(pixels(3), 3, ".jpg[Q=85]", false));
    }

    @Test
    void baselineBecomesSmallerProgressiveWithTheSamePixels() {
        assertThat(layout(baseline).has(0xC0)).as("input is baseline").isTrue();
        byte[] out = LosslessJpeg.recode(baseline, false).orElseThrow();
        assertThat(out.length).isLessThan(baseline.length);
        assertThat(out[0] & 0xFF).isEqualTo(0xFF);
        assertThat(out[1] & 0xFF).isEqualTo(0xD8);
        JpegSegments.Layout l = layout(out);
        assertThat(l.has(JpegSegments.SOF2)).as("progressive").isTrue();
        assertThat(l.has(0xC0)).isFalse();
        assertThat(l.end()).isEqualTo(out.length);
        assertThat(decode(out)).isEqualTo(decode(baseline));
    }

    @Test
    void strippingDropsExifXmpIptcAndCommentsButKeepsEveryIccChunk() {
        byte[] icc1 = iccChunk(1, 2, 60_000, 1);
        byte[] icc2 = iccChunk(2, 2, 9_000, 2);
        byte[] input = insertAfterJfif(baseline, exif(1, true), xmp(), icc1, icc2, comment("made by a test"),
                app(0xED, "Photoshop 3.0\08BIM".getBytes(StandardCharsets.ISO_8859_1)), app(0xE3, new byte[10]));

        byte[] out = LosslessJpeg.recode(input, false).orElseThrow();

        List<JpegSegments.Segment> meta = metadata(out);
        assertThat(meta).extracting(JpegSegments.Segment::marker)
                .containsExactly(JpegSegments.APP0, JpegSegments.APP2, JpegSegments.APP2);
        assertThat(meta.get(0).payloadStartsWith(out, "JFIF\0")).isTrue();
        assertThat(bytes(out, meta.get(1))).isEqualTo(icc1);
        assertThat(bytes(out, meta.get(2))).isEqualTo(icc2);
        assertThat(decode(out)).isEqualTo(decode(baseline));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment image = Vips.newFromBuffer(arena, Vips.buffer(arena, out), "");
            try {
                assertThat(Vips.hasIccProfile(image)).isTrue();
            } finally {
                Vips.unref(image);
            }
        }
    }

    @Test
    void aRotatedImageKeepsOnlyAMinimalExifWithItsOrientation() {
        byte[] input = insertAfterJfif(baseline, exif(6, true), xmp(), comment("x"));

        byte[] out = LosslessJpeg.recode(input, false).orElseThrow();

        List<JpegSegments.Segment> meta = metadata(out);
        assertThat(meta).extracting(JpegSegments.Segment::marker).containsExactly(JpegSegments.APP0, JpegSegments.APP1);
        JpegSegments.Segment exif = meta.get(1);
        assertThat(bytes(out, exif)).isEqualTo(ExifOrientation.minimalSegment(6));
        assertThat(exif.payloadLength()).isEqualTo(32);
        assertThat(ExifOrientation.read(out, exif.payloadOffset(), exif.payloadLength())).isEqualTo(6);
        assertThat(decode(out)).isEqualTo(decode(baseline)); // no rotation applied to the pixels
    }

    @Test
    void orientationOneAndBigEndianExifAreDroppedOrKept() {
        byte[] plain = LosslessJpeg.recode(insertAfterJfif(baseline, exif(1, false)), false).orElseThrow();
        assertThat(metadata(plain)).extracting(JpegSegments.Segment::marker).containsExactly(JpegSegments.APP0);
        byte[] rotated = LosslessJpeg.recode(insertAfterJfif(baseline, exif(8, false)), false).orElseThrow();
        assertThat(bytes(rotated, metadata(rotated).get(1))).isEqualTo(ExifOrientation.minimalSegment(8));
    }

    @Test
    void keepMetadataKeepsEveryMarker() {
        byte[][] added = { exif(6, true), xmp(), iccChunk(1, 1, 3_000, 3), comment("kept"),
                app(0xED, "Photoshop 3.0\0".getBytes(StandardCharsets.ISO_8859_1)) };
        byte[] input = insertAfterJfif(baseline, added);

        byte[] out = LosslessJpeg.recode(input, true).orElseThrow();

        List<JpegSegments.Segment> meta = metadata(out);
        assertThat(meta.get(0).payloadStartsWith(out, "JFIF\0")).isTrue();
        List<byte[]> rest = meta.subList(1, meta.size()).stream().map(s -> bytes(out, s)).toList();
        assertThat(rest).containsExactly(added);
        assertThat(layout(out).has(JpegSegments.SOF2)).isTrue();
        assertThat(decode(out)).isEqualTo(decode(baseline));
    }

    @Test
    void theFloorIsBelowWhatReCodingReaches() {
        byte[] withMetadata = insertAfterJfif(baseline, exif(6, true), xmp(), comment("x".repeat(20_000)));
        for (byte[] input : new byte[][] { baseline, withMetadata }) {
            long floor = LosslessJpeg.floorBytes(input);
            assertThat(floor).isPositive();
            assertThat((long) LosslessJpeg.recode(input, false).orElseThrow().length).isGreaterThan(floor);
        }
        assertThat(LosslessJpeg.floorBytes(withMetadata)).as("metadata is not counted")
                .isEqualTo(LosslessJpeg.floorBytes(baseline));
        assertThat(LosslessJpeg.floorBytes(new byte[] { 1, 2, 3 })).isZero();
    }

    @Test
    void badInputGivesEmptyNeverAnException() {
        byte[] png = dev.pixmill.support.TestImages.png(32, 32);
        byte[] noise = new byte[5000];
        new Random(7).nextBytes(noise);
        byte[] headerOnly = Arrays.copyOf(baseline, layout(baseline).scanStart() + 20);
        byte[] halfScan = Arrays.copyOf(baseline, baseline.length / 2);
        byte[] noEoi = Arrays.copyOf(baseline, baseline.length - 2);
        byte[] badSof = baseline.clone();
        JpegSegments.Segment sof = layout(badSof).header().stream().filter(s -> s.marker() == 0xC0).findFirst()
                .orElseThrow();
        badSof[sof.payloadOffset() + 1] = 0; // height 0
        badSof[sof.payloadOffset() + 2] = 0;
        byte[] badLength = baseline.clone();
        badLength[4] = (byte) 0xFF; // the first segment claims ~65 KB
        byte[] garbageInScan = baseline.clone();
        int mid = layout(baseline).scanStart() + (baseline.length - layout(baseline).scanStart()) / 2;
        garbageInScan[mid] = (byte) 0xFF;
        garbageInScan[mid + 1] = (byte) 0xC4; // a DHT marker in the middle of the entropy-coded data

        for (byte[] bad : List.of(new byte[0], new byte[] { (byte) 0xFF, (byte) 0xD8 }, png, noise, headerOnly,
                halfScan, noEoi, badSof, badLength, garbageInScan)) {
            assertThat(LosslessJpeg.recode(bad, false)).isEmpty();
            assertThat(LosslessJpeg.recode(bad, true)).isEmpty();
        }
        assertThat(LosslessJpeg.recode(null, false)).isEmpty();
    }

    @Test
    void dataAfterEoiIsDroppedWhenStrippingAndRefusedWhenKeeping() {
        byte[] input = Arrays.copyOf(baseline, baseline.length + 100);
        Arrays.fill(input, baseline.length, input.length, (byte) 0x55);
        assertThat(LosslessJpeg.recode(input, true)).isEmpty();
        byte[] out = LosslessJpeg.recode(input, false).orElseThrow();
        assertThat(layout(out).end()).isEqualTo(out.length);
    }

    @Test
    void fillBytesBeforeMarkersAreTolerated() {
        int dqt = layout(baseline).header().stream().filter(s -> s.marker() == 0xDB).findFirst().orElseThrow()
                .offset();
        ByteArrayOutputStream padded = new ByteArrayOutputStream();
        padded.write(baseline, 0, dqt);
        padded.writeBytes(new byte[] { (byte) 0xFF, (byte) 0xFF, (byte) 0xFF });
        padded.write(baseline, dqt, baseline.length - dqt);
        byte[] out = LosslessJpeg.recode(padded.toByteArray(), false).orElseThrow();
        assertThat(decode(out)).isEqualTo(decode(baseline));
    }

    @Test
    void greyscaleWorks() {
        byte[] grey = asJfif(encode(pixels(1), 1, ".jpg[Q=85]", false));
        byte[] out = LosslessJpeg.recode(grey, false).orElseThrow();
        assertThat(out.length).isLessThan(grey.length);
        assertThat(layout(out).has(JpegSegments.SOF2)).isTrue();
        assertThat(decode(out)).isEqualTo(decode(grey));
    }

    @Test
    void cmykKeepsItsAdobeMarkerAndPixels() {
        byte[] cmyk = encode(pixels(3), 3, ".jpg[Q=85]", true);
        JpegSegments.Layout in = layout(cmyk);
        assertThat(in.header()).anyMatch(s -> s.marker() == JpegSegments.APP14 && s.payloadStartsWith(cmyk, "Adobe"));

        Optional<byte[]> result = LosslessJpeg.recode(cmyk, false);

        byte[] out = result.orElseThrow();
        assertThat(metadata(out)).anyMatch(s -> s.marker() == JpegSegments.APP14 && s.payloadStartsWith(out, "Adobe"));
        assertThat(decode(out)).isEqualTo(decode(cmyk));
    }

    @Test
    void exifOrientationToleratesGarbage() {
        byte[] e = exif(6, true);
        assertThat(ExifOrientation.read(e, 4, e.length - 4)).isEqualTo(6);
        byte[] cut = Arrays.copyOf(e, 20);
        assertThat(ExifOrientation.read(cut, 4, cut.length - 4)).isEqualTo(1);
        byte[] junk = new byte[64];
        new Random(3).nextBytes(junk);
        System.arraycopy(ExifOrientation.EXIF_ID.getBytes(StandardCharsets.ISO_8859_1), 0, junk, 0, 6);
        assertThat(ExifOrientation.read(junk, 0, junk.length)).isEqualTo(1);
        byte[] nine = exif(9, false);
        assertThat(ExifOrientation.read(nine, 4, nine.length - 4)).isEqualTo(1);
    }

    // --- images and segments ---

    /** A gradient with texture and noise, so the entropy layer has real work to do. */
    private static byte[] pixels(int bands) {
        Random r = new Random(42);
        byte[] p = new byte[W * H * bands];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                for (int b = 0; b < bands; b++) {
                    double v = 128 + 60 * Math.sin((x + 40 * b) / 23.0) * Math.cos(y / 17.0) + r.nextGaussian() * 10;
                    p[(y * W + x) * bands + b] = (byte) Math.max(0, Math.min(255, (int) v));
                }
            }
        }
        return p;
    }

    private static byte[] encode(byte[] pixels, int bands, String suffix, boolean cmyk) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment image = Vips.newFromMemoryCopy(arena, pixels, W, H, bands);
            MemorySegment converted = MemorySegment.NULL;
            try {
                if (cmyk) {
                    converted = Vips.colourspace(arena, image, CMYK);
                }
                return Vips.writeToBuffer(arena, cmyk ? converted : image, suffix);
            } finally {
                Vips.unref(converted);
                Vips.unref(image);
            }
        }
    }

    /** Raw decoded pixels, no orientation applied. */
    private static byte[] decode(byte[] jpeg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment image = Vips.newFromBuffer(arena, Vips.buffer(arena, jpeg), "fail_on=warning");
            try {
                return Vips.writeToMemory(arena, image);
            } finally {
                Vips.unref(image);
            }
        }
    }

    /**
     * The file as a typical JFIF: libvips writes an EXIF APP1 of its own and no APP0, so its APPn
     * are replaced by one JFIF 1.01 APP0 (no density).
     */
    private static byte[] asJfif(byte[] jpeg) {
        JpegSegments.Layout l = layout(jpeg);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.writeBytes(app(JpegSegments.APP0, new byte[] { 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0 }));
        for (JpegSegments.Segment s : l.header()) {
            if (s.marker() == JpegSegments.SOS) {
                break;
            }
            if (!s.isAppOrComment()) {
                out.write(jpeg, s.offset(), s.length());
            }
        }
        out.write(jpeg, l.scanStart(), jpeg.length - l.scanStart());
        return out.toByteArray();
    }

    private static JpegSegments.Layout layout(byte[] jpeg) {
        return JpegSegments.parse(jpeg).orElseThrow();
    }

    private static List<JpegSegments.Segment> metadata(byte[] jpeg) {
        return layout(jpeg).header().stream().filter(JpegSegments.Segment::isAppOrComment).toList();
    }

    private static byte[] bytes(byte[] jpeg, JpegSegments.Segment s) {
        return Arrays.copyOfRange(jpeg, s.offset(), s.offset() + s.length());
    }

    /** Inserts whole segments after the encoder's JFIF APP0 (or after SOI). */
    private static byte[] insertAfterJfif(byte[] jpeg, byte[]... segments) {
        JpegSegments.Segment first = layout(jpeg).header().get(0);
        int at = first.marker() == JpegSegments.APP0 ? first.offset() + first.length() : 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, at);
        for (byte[] s : segments) {
            out.writeBytes(s);
        }
        out.write(jpeg, at, jpeg.length - at);
        return out.toByteArray();
    }

    private static byte[] app(int marker, byte[] payload) {
        byte[] s = new byte[4 + payload.length];
        s[0] = (byte) 0xFF;
        s[1] = (byte) marker;
        s[2] = (byte) ((payload.length + 2) >> 8);
        s[3] = (byte) (payload.length + 2);
        System.arraycopy(payload, 0, s, 4, payload.length);
        return s;
    }

    private static byte[] comment(String text) {
        return app(JpegSegments.COM, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] xmp() {
        return app(JpegSegments.APP1, (XMP_ID + "<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** An ICC_PROFILE chunk with {@code size} bytes of (opaque) profile data. */
    private static byte[] iccChunk(int seq, int count, int size, int seed) {
        byte[] id = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);
        byte[] payload = new byte[id.length + 2 + size];
        System.arraycopy(id, 0, payload, 0, id.length);
        payload[id.length] = (byte) seq;
        payload[id.length + 1] = (byte) count;
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        System.arraycopy(data, 0, payload, id.length + 2, size);
        return app(JpegSegments.APP2, payload);
    }

    /** A valid EXIF APP1: IFD0 with Make ("Abc") and Orientation, in either byte order. */
    private static byte[] exif(int orientation, boolean little) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(ExifOrientation.EXIF_ID.getBytes(StandardCharsets.ISO_8859_1));
        List<int[]> words = new ArrayList<>(); // {value, bytes}
        p.writeBytes(little ? new byte[] { 'I', 'I' } : new byte[] { 'M', 'M' });
        words.add(new int[] { 42, 2 });
        words.add(new int[] { 8, 4 });
        words.add(new int[] { 2, 2 }); // two entries
        words.add(new int[] { 0x010F, 2 });
        words.add(new int[] { 2, 2 }); // ASCII
        words.add(new int[] { 4, 4 });
        words.add(new int[] { -1, 4 }); // "Abc\0", inline
        words.add(new int[] { 0x0112, 2 });
        words.add(new int[] { 3, 2 }); // SHORT
        words.add(new int[] { 1, 4 });
        words.add(new int[] { orientation, 2 });
        words.add(new int[] { 0, 2 });
        words.add(new int[] { 0, 4 }); // no next IFD
        for (int[] w : words) {
            if (w[0] == -1) {
                p.writeBytes(new byte[] { 'A', 'b', 'c', 0 });
                continue;
            }
            for (int i = 0; i < w[1]; i++) {
                int shift = 8 * (little ? i : w[1] - 1 - i);
                p.write(w[0] >>> shift & 0xFF);
            }
        }
        return app(JpegSegments.APP1, p.toByteArray());
    }
}
