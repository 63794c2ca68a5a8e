package dev.pixmill.engine.compress;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Pixel-level checks on interleaved 8-bit images in native memory. */
final class Pixels {

    private Pixels() {
    }

    /**
     * Whether two images of the same size hold the same pixels, where a missing alpha band counts
     * as opaque, one grey band as three equal ones (decoders may drop or add either), and fully
     * transparent pixels are equal whatever their colour.
     */
    static boolean identical(MemorySegment a, int bandsA, MemorySegment b, int bandsB) {
        if (bandsA == bandsB && a.byteSize() == b.byteSize() && a.mismatch(b) == -1) {
            return true;
        }
        long n = a.byteSize() / bandsA;
        if (n != b.byteSize() / bandsB) {
            return false;
        }
        for (long i = 0; i < n; i++) {
            if (rgba(a, i, bandsA) != rgba(b, i, bandsB)) {
                return false;
            }
        }
        return true;
    }

    /** Distinct colours (all bands), counted up to {@code limit}: an open-addressing set that stops there. */
    static int countColours(MemorySegment px, int bands, int limit) {
        int capacity = Integer.highestOneBit(limit * 4 - 1) << 1;
        int[] table = new int[capacity];
        boolean[] used = new boolean[capacity];
        int count = 0;
        long n = px.byteSize() / bands;
        int mask = capacity - 1;
        for (long i = 0; i < n; i++) {
            int v = rgba(px, i, bands);
            int slot = (v * 0x9E3779B9) >>> 7 & mask;
            while (used[slot] && table[slot] != v) {
                slot = (slot + 1) & mask;
            }
            if (!used[slot]) {
                used[slot] = true;
                table[slot] = v;
                if (++count >= limit) {
                    return count;
                }
            }
        }
        return count;
    }

    /** Pixel {@code i} as 0xRRGGBBAA, grey expanded, missing alpha as 255. */
    private static int rgba(MemorySegment s, long i, int bands) {
        long p = i * bands;
        int r = s.get(ValueLayout.JAVA_BYTE, p) & 0xFF;
        int g;
        int b;
        int alpha = 255;
        if (bands >= 3) {
            g = s.get(ValueLayout.JAVA_BYTE, p + 1) & 0xFF;
            b = s.get(ValueLayout.JAVA_BYTE, p + 2) & 0xFF;
            if (bands == 4) {
                alpha = s.get(ValueLayout.JAVA_BYTE, p + 3) & 0xFF;
            }
        } else {
            g = r;
            b = r;
            if (bands == 2) {
                alpha = s.get(ValueLayout.JAVA_BYTE, p + 1) & 0xFF;
            }
        }
        // what a fully transparent pixel's colour holds is invisible; quantisers and WebP drop it
        return alpha == 0 ? 0 : r << 24 | g << 16 | b << 8 | alpha;
    }
}
