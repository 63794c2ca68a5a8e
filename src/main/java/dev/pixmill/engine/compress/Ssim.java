package dev.pixmill.engine.compress;

/**
 * Structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004) of two luma planes of the same size:
 * the mean of the SSIM map over the region where the 11×11 Gaussian window (σ = 1.5) fits, with the
 * paper's constants for 8-bit data. Chosen over PSNR because it tracks what people see (structure
 * and contrast, not just error energy) and over butteraugli/SSIMULACRA because it is cheap enough
 * to run on every candidate of a search (about 25 ms per megapixel here) and needs no native code.
 *
 * <p>Computed in one pass over the rows: the horizontally filtered rows of x, y, x², y² and xy sit
 * in a ring of 11 rows, so memory is 55 floats per column, whatever the height.
 */
public final class Ssim {

    private static final int WINDOW = 11;
    private static final int HALF = WINDOW / 2;
    private static final double SIGMA = 1.5;
    private static final double C1 = Math.pow(0.01 * 255, 2);
    private static final double C2 = Math.pow(0.03 * 255, 2);
    private static final float[] KERNEL = gaussian();

    private Ssim() {
    }

    /** SSIM of {@code a} and {@code b}; 1.0 means identical. */
    public static double of(Luma a, Luma b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("planes differ in size: " + a.width() + "x" + a.height() + " and "
                    + b.width() + "x" + b.height());
        }
        int w = a.width();
        int h = a.height();
        if (w < WINDOW || h < WINDOW) {
            return global(a.pixels(), b.pixels());
        }
        int ow = w - WINDOW + 1;
        float[][][] ring = new float[5][WINDOW][ow];
        float[] x = new float[w];
        float[] y = new float[w];
        float[] xx = new float[w];
        float[] yy = new float[w];
        float[] xy = new float[w];
        float[] mx = new float[ow];
        float[] my = new float[ow];
        float[] sxx = new float[ow];
        float[] syy = new float[ow];
        float[] sxy = new float[ow];
        byte[] pa = a.pixels();
        byte[] pb = b.pixels();
        double sum = 0;
        for (int row = 0; row < h; row++) {
            int base = row * w;
            for (int c = 0; c < w; c++) {
                float va = pa[base + c] & 0xFF;
                float vb = pb[base + c] & 0xFF;
                x[c] = va;
                y[c] = vb;
                xx[c] = va * va;
                yy[c] = vb * vb;
                xy[c] = va * vb;
            }
            int slot = row % WINDOW;
            horizontal(x, ring[0][slot], ow);
            horizontal(y, ring[1][slot], ow);
            horizontal(xx, ring[2][slot], ow);
            horizontal(yy, ring[3][slot], ow);
            horizontal(xy, ring[4][slot], ow);
            if (row < WINDOW - 1) {
                continue;
            }
            int first = row - WINDOW + 1;
            vertical(ring[0], first, mx, ow);
            vertical(ring[1], first, my, ow);
            vertical(ring[2], first, sxx, ow);
            vertical(ring[3], first, syy, ow);
            vertical(ring[4], first, sxy, ow);
            for (int c = 0; c < ow; c++) {
                double ux = mx[c];
                double uy = my[c];
                double vx = sxx[c] - ux * ux;
                double vy = syy[c] - uy * uy;
                double cov = sxy[c] - ux * uy;
                sum += ((2 * ux * uy + C1) * (2 * cov + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
            }
        }
        return sum / ((double) ow * (h - WINDOW + 1));
    }

    // tap-outer, column-inner: the inner loops are plain array sweeps the JIT vectorises; the kernel
    // is symmetric, so mirrored taps share one multiply (6 instead of 11 per output)
    private static void horizontal(float[] in, float[] out, int ow) {
        float k = KERNEL[HALF];
        for (int c = 0; c < ow; c++) {
            out[c] = k * in[c + HALF];
        }
        for (int t = 0; t < HALF; t++) {
            float kt = KERNEL[t];
            int mirror = WINDOW - 1 - t;
            for (int c = 0; c < ow; c++) {
                out[c] += kt * (in[c + t] + in[c + mirror]);
            }
        }
    }

    private static void vertical(float[][] rows, int first, float[] out, int ow) {
        float k = KERNEL[HALF];
        float[] centre = rows[(first + HALF) % WINDOW];
        for (int c = 0; c < ow; c++) {
            out[c] = k * centre[c];
        }
        for (int t = 0; t < HALF; t++) {
            float kt = KERNEL[t];
            float[] a = rows[(first + t) % WINDOW];
            float[] b = rows[(first + WINDOW - 1 - t) % WINDOW];
            for (int c = 0; c < ow; c++) {
                out[c] += kt * (a[c] + b[c]);
            }
        }
    }

    /** One window over the whole plane, for images smaller than the window. */
    private static double global(byte[] a, byte[] b) {
        int n = a.length;
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i] & 0xFF;
            mb += b[i] & 0xFF;
        }
        ma /= n;
        mb /= n;
        double va = 0;
        double vb = 0;
        double cov = 0;
        for (int i = 0; i < n; i++) {
            double da = (a[i] & 0xFF) - ma;
            double db = (b[i] & 0xFF) - mb;
            va += da * da;
            vb += db * db;
            cov += da * db;
        }
        va /= n;
        vb /= n;
        cov /= n;
        return ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
    }

    private static float[] gaussian() {
        float[] k = new float[WINDOW];
        double total = 0;
        for (int i = 0; i < WINDOW; i++) {
            int d = i - WINDOW / 2;
            k[i] = (float) Math.exp(-(d * d) / (2 * SIGMA * SIGMA));
            total += k[i];
        }
        for (int i = 0; i < WINDOW; i++) {
            k[i] /= (float) total;
        }
        return k;
    }
}
