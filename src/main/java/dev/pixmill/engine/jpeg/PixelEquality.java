package dev.pixmill.engine.jpeg;

import dev.pixmill.engine.vips.Vips;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Whether two JPEGs decode to exactly the same pixels. Both are decoded by libvips (through the
 * same libjpeg-turbo), streamed (sequential access) into one {@code notequal} and reduced with
 * {@code max}: no whole-image pixel buffer at any size (decoding the progressive side holds its DCT
 * coefficients, as libjpeg must, the same amount the transform held), and no orientation is
 * applied (plain load, not thumbnail). Any libjpeg warning fails the load, so a file that decodes
 * only "with corrupt data" never counts as identical.
 */
final class PixelEquality {

    private static final String LOAD = "access=sequential,fail_on=warning";

    private PixelEquality() {
    }

    static boolean same(byte[] a, byte[] b) {
        Vips.ensureInitialized();
        try (Arena arena = Arena.ofConfined()) {
            // libvips does not copy input buffers: both live in this arena until the images are gone
            MemorySegment bufA = Vips.buffer(arena, a);
            MemorySegment bufB = Vips.buffer(arena, b);
            MemorySegment imageA = MemorySegment.NULL;
            MemorySegment imageB = MemorySegment.NULL;
            MemorySegment diff = MemorySegment.NULL;
            try {
                imageA = Vips.newFromBuffer(arena, bufA, LOAD);
                imageB = Vips.newFromBuffer(arena, bufB, LOAD);
                if (Vips.width(imageA) != Vips.width(imageB) || Vips.height(imageA) != Vips.height(imageB)
                        || Vips.bands(imageA) != Vips.bands(imageB)
                        || Vips.bandFormat(imageA) != Vips.bandFormat(imageB)
                        || Vips.interpretation(imageA) != Vips.interpretation(imageB)) {
                    return false; // notequal would broadcast or pad a mismatch away
                }
                diff = Vips.notEqual(arena, imageA, imageB);
                return Vips.max(arena, diff) == 0.0;
            } finally {
                Vips.unref(diff);
                Vips.unref(imageB);
                Vips.unref(imageA);
            }
        }
    }
}
