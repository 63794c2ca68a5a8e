package dev.pixmill.engine.compress;

/**
 * The lowest quality whose SSIM reaches a target, in few encodes. SSIM distance (1 − SSIM) falls
 * about exponentially with quality, so its logarithm is close to a straight line in q: a secant
 * step on it lands within a quality or two of the answer, where a bisection of the same range needs
 * six or seven encodes. The qualities already measured bracket the answer (highest failing, lowest
 * passing) and every step stays inside the bracket; the search ends when it is one quality wide, so
 * the answer is exact wherever SSIM rises with quality.
 */
final class QualitySearch {

    /** Measures one quality: its SSIM against the image (one encode and one comparison). */
    interface Probe {
        double ssim(int quality);
    }

    /** d ln(distance) / dq before two measurements give a slope: JPEG and WebP photos measure -0.01 to -0.05. */
    static final double PRIOR_SLOPE = -0.03;
    /** Slopes flatter than this (noise, or a plateau) fall back to halving the bracket. */
    private static final double FLAT = -1e-3;

    /** The outcome: {@code quality} is -1 when no quality in range reached the target. */
    record Result(int quality, int probes) {
    }

    private QualitySearch() {
    }

    /**
     * Searches [{@code lo}, {@code hi}] for the lowest quality reaching {@code target}, starting from
     * a known point ({@code seedQuality}, {@code seedSsim}: the q80 anchor, measured already), with at
     * most {@code budget} probes.
     */
    static Result lowestPassing(Probe probe, double target, int lo, int hi, int seedQuality, double seedSsim,
            int budget) {
        double goal = log(1 - target);
        int fail = lo - 1;
        int pass = hi + 1;
        int prevQ = seedQuality;
        double prevL = log(1 - seedSsim);
        double slope = PRIOR_SLOPE;
        int q = Math.clamp(Math.round(seedQuality + (goal - prevL) / slope), lo, hi);
        int probes = 0;
        while (probes < budget) {
            double ssim = probe.ssim(q);
            probes++;
            if (ssim >= target) {
                pass = q;
            } else {
                fail = q;
            }
            if (pass - fail <= 1) {
                break;
            }
            double l = log(1 - ssim);
            if (q != prevQ) {
                slope = (l - prevL) / (q - prevQ);
            }
            prevQ = q;
            prevL = l;
            q = next(q, l, goal, slope, fail, pass, lo, hi);
        }
        return new Result(pass <= hi ? pass : -1, probes);
    }

    /** The next quality to measure: the secant estimate rounded up (towards passing), inside the bracket. */
    private static int next(int q, double l, double goal, double slope, int fail, int pass, int lo, int hi) {
        int inLo = Math.max(fail + 1, lo);
        int inHi = Math.min(pass - 1, hi);
        if (slope > FLAT) {
            return fail >= lo && pass <= hi ? (fail + pass) >>> 1 : Math.clamp(q + (pass > hi ? 8 : -8), inLo, inHi);
        }
        long estimate = (long) Math.ceil(q + (goal - l) / slope - 0.25);
        return (int) Math.clamp(estimate, inLo, inHi);
    }

    private static double log(double distance) {
        return Math.log(Math.max(distance, 1e-6));
    }
}
