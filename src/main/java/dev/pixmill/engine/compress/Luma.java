package dev.pixmill.engine.compress;

import dev.pixmill.engine.vips.Vips;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An 8-bit luma plane (BT.601 weights, as JPEG's Y), the input of {@link Ssim}. Transparent pixels
 * are composited on white first, as a browser on a white page would show them.
 */
public record Luma(byte[] pixels, int width, int height) {

    /**
     * Planes are compared at most at this size: above it an image is box-averaged down by an integer
     * factor (the same for the reference and every candidate). It bounds a comparison to about
     * 60 ms and a plane to 2 MB of heap; at 2 MP a JPEG block still spans several pixels.
     */
    public static final long MAX_PIXELS = 2_000_000;

    /**
     * The integer box factor planes of a w×h image are compared at: 1 up to {@link #MAX_PIXELS},
     * else the smallest that brings it under (a box average is what a viewer's downscale does, and
     * costs a pass over the pixels, no resampling).
     */
    static int factor(long w, long h) {
        int k = 1;
        while ((w / k) * (h / k) > MAX_PIXELS) {
            k++;
        }
        return k;
    }

    /** The luma of an 8-bit image of 1 to 4 bands, box-averaged by {@link #factor}. */
    public static Luma of(MemorySegment image) {
        if (Vips.bandFormat(image) != Vips.FORMAT_UCHAR) {
            throw new IllegalStateException("luma needs an 8-bit image");
        }
        int w = Vips.width(image);
        int h = Vips.height(image);
        int bands = Vips.bands(image);
        int k = factor(w, h);
        int rw = Math.max(1, w / k);
        int rh = Math.max(1, h / k);
        byte[] out = new byte[rw * rh];
        int[] acc = new int[rw];
        byte[] row = new byte[w * bands];
        byte[] y = new byte[w];
        int area = k * k;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment px = Vips.pixels(arena, image);
            for (int r = 0; r < rh * k; r++) {
                MemorySegment.copy(px, ValueLayout.JAVA_BYTE, (long) r * w * bands, row, 0, row.length);
                lumaRow(row, y, w, bands);
                if (k == 1) {
                    System.arraycopy(y, 0, out, r * rw, rw);
                    continue;
                }
                boxRow(y, acc, rw, k);
                if (r % k == k - 1) {
                    int base = (r / k) * rw;
                    for (int c = 0; c < rw; c++) {
                        out[base + c] = (byte) ((acc[c] + area / 2) / area);
                        acc[c] = 0;
                    }
                }
            }
        }
        return new Luma(out, rw, rh);
    }

    /** The luma of an encoded image, decoded by libvips ({@code loaderOptions} e.g. {@code "n=-1"} for all frames). */
    public static Luma ofEncoded(byte[] encoded, String loaderOptions) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment img = decode(a, encoded, loaderOptions);
            try {
                return of(img);
            } finally {
                Vips.unref(img);
            }
        }
    }

    /** Decodes to an 8-bit image (16-bit PNGs are cast down); the caller unrefs it before {@code a} closes. */
    static MemorySegment decode(Arena a, byte[] encoded, String loaderOptions) {
        MemorySegment img = Vips.newFromBuffer(a, Vips.buffer(a, encoded), loaderOptions);
        if (Vips.bandFormat(img) != Vips.FORMAT_UCHAR) {
            MemorySegment cast = Vips.cast(a, img, Vips.FORMAT_UCHAR);
            Vips.unref(img);
            img = cast;
        }
        return img;
    }

    /** Adds each run of {@code k} luma values of a row to its column of the box sums. */
    private static void boxRow(byte[] y, int[] acc, int rw, int k) {
        for (int c = 0, p = 0; c < rw; c++) {
            int s = 0;
            for (int j = 0; j < k; j++, p++) {
                s += y[p] & 0xFF;
            }
            acc[c] += s;
        }
    }

    // one loop per band layout: the hot path (RGB) stays branch-free for the JIT
    static void lumaRow(byte[] px, byte[] y, int w, int bands) {
        switch (bands) {
            case 3 -> {
                for (int i = 0, p = 0; i < w; i++, p += 3) {
                    y[i] = (byte) rgbLuma(px, p);
                }
            }
            case 4 -> {
                for (int i = 0, p = 0; i < w; i++, p += 4) {
                    y[i] = (byte) onWhite(rgbLuma(px, p), px[p + 3] & 0xFF);
                }
            }
            case 2 -> {
                for (int i = 0, p = 0; i < w; i++, p += 2) {
                    y[i] = (byte) onWhite(px[p] & 0xFF, px[p + 1] & 0xFF);
                }
            }
            default -> System.arraycopy(px, 0, y, 0, w);
        }
    }

    private static int rgbLuma(byte[] px, int p) {
        return (77 * (px[p] & 0xFF) + 150 * (px[p + 1] & 0xFF) + 29 * (px[p + 2] & 0xFF) + 128) >> 8;
    }

    private static int onWhite(int v, int a) {
        return (v * a + 255 * (255 - a) + 127) / 255;
    }

    /** The common top-left part of two planes that differ by a rounding pixel. */
    Luma cropTo(int w, int h) {
        if (w == width && h == height) {
            return this;
        }
        byte[] out = new byte[w * h];
        for (int r = 0; r < h; r++) {
            System.arraycopy(pixels, r * width, out, r * w, w);
        }
        return new Luma(out, w, h);
    }
}
