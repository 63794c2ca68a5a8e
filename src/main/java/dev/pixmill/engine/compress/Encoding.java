package dev.pixmill.engine.compress;

import dev.pixmill.engine.ImageFormat;

/**
 * One way to encode an image: the saver and its options. The compressor tries several of these on
 * the same decoded image and keeps one.
 *
 * @param format the saver
 * @param mode lossy at {@code quality}, lossless, or a palette (PNG/GIF)
 * @param quality 1-100 for lossy modes; the libimagequant quality for a PNG palette
 * @param subsample JPEG only: 4:2:0 chroma (true) or 4:4:4
 * @param bitdepth GIF palette bits (1-8)
 * @param draft the probe of a search: for JPEG the same coefficients without the entropy work
 *     (optimised Huffman tables, progressive scans), so the same pixels in a fifth of the time; for
 *     AVIF, HEIC and PNG palettes the saver's fast effort (about half the time, a few per cent
 *     larger, about the same look)
 */
public record Encoding(ImageFormat format, Mode mode, int quality, boolean subsample, int bitdepth, boolean draft) {

    public Encoding(ImageFormat format, Mode mode, int quality, boolean subsample, int bitdepth) {
        this(format, mode, quality, subsample, bitdepth, false);
    }

    public enum Mode {
        LOSSY,
        /**
         * Lossy with the options a plain conversion uses (Steps.Encode): the q80 anchor the searches
         * calibrate their targets against, so "close to q80" means close to what Pixmill's q80 gives.
         */
        PLAIN,
        /** Every pixel kept (PNG: no filter; JPEG, which has no lossless mode: Q=100 at 4:4:4). */
        LOSSLESS,
        /** PNG with libpng's adaptive per-row filter choice: slower, smaller on photos. */
        ADAPTIVE,
        /** A palette image: libimagequant at {@code quality} (100 and no dither keeps ≤ 256 colours exact). */
        PALETTE
    }

    /** Effort settings: measured trade-offs on 2-5 MP images (see the README's compression figures). */
    static final int WEBP_EFFORT = 4;
    public static final int AVIF_EFFORT = 2;
    static final int GIF_EFFORT = 10;
    static final int PALETTE_EFFORT = 7;

    public static Encoding lossy(ImageFormat format, int quality, boolean subsample) {
        return new Encoding(format, Mode.LOSSY, quality, subsample, 8);
    }

    /** The plain conversion's encode at {@code quality} (for JPEG below q90, 4:2:0 as libvips' default). */
    public static Encoding plain(ImageFormat format, int quality) {
        return new Encoding(format, Mode.PLAIN, quality, quality < 90, 8);
    }

    public static Encoding lossless(ImageFormat format) {
        return new Encoding(format, Mode.LOSSLESS, 100, false, 8);
    }

    public static Encoding adaptivePng() {
        return new Encoding(ImageFormat.PNG, Mode.ADAPTIVE, 100, false, 8);
    }

    public static Encoding palette(ImageFormat format, int quality, int bitdepth) {
        return new Encoding(format, Mode.PALETTE, quality, false, bitdepth);
    }

    public Encoding withQuality(int q) {
        return new Encoding(format, mode, q, subsample, bitdepth, draft);
    }

    /**
     * This encoding as a search's probe, where the saver has a cheaper form. WebP has none: its fast
     * efforts change the look by image and quality (on the corpus photos at 1000 px, effort 0 measures
     * -0.014 to +0.008 SSIM off effort 4 at the same Q, effort 2 -0.005 to -0.001), too much for a
     * bound of 0.005 below q80.
     */
    public Encoding asDraft() {
        boolean has = format == ImageFormat.JPEG && mode != Mode.LOSSLESS || format == ImageFormat.AVIF
                || format == ImageFormat.HEIC || mode == Mode.PALETTE && format == ImageFormat.PNG;
        return has ? new Encoding(format, mode, quality, subsample, bitdepth, true) : this;
    }

    /** Whether the draft decodes to exactly this encoding's pixels (then it need not be measured again). */
    public boolean draftKeepsPixels() {
        return format == ImageFormat.JPEG;
    }

    /** Whether decoding gives back exactly the encoded pixels (PALETTE only when checked to be exact). */
    public boolean keepsPixels() {
        return mode == Mode.LOSSLESS && format != ImageFormat.JPEG || mode == Mode.ADAPTIVE;
    }

    /** The libvips save suffix, e.g. {@code .jpg[Q=80,optimize_coding,interlace,subsample_mode=on,strip]}. */
    String suffix(boolean strip) {
        String s = switch (format) {
            case JPEG -> ".jpg[Q=" + (lossy() ? quality : 100) + (draft ? "" : ",optimize_coding,interlace")
                    + ",subsample_mode=" + (lossy() && subsample ? "on" : "off");
            case PNG -> switch (mode) {
                case LOSSLESS, LOSSY, PLAIN -> ".png[compression=9,filter=none";
                case ADAPTIVE -> ".png[compression=6,filter=all";
                case PALETTE -> ".png[compression=9,filter=none,palette,effort=" + (draft ? 1 : PALETTE_EFFORT)
                        + ",Q=" + quality
                        + (quality >= 100 ? ",dither=0" : ",dither=1");
            };
            // preset=picture (more noise shaping, less deblocking than the default): 1-4 % fewer bytes on
            // average at the same SSIM on the corpus photos, up to 14 %; smart_subsample costs 3 % there
            case WEBP -> switch (mode) {
                case LOSSY -> ".webp[Q=" + quality + ",effort=" + WEBP_EFFORT + ",preset=picture";
                case PLAIN -> ".webp[Q=" + quality + ",effort=" + WEBP_EFFORT;
                default -> ".webp[lossless,effort=" + WEBP_EFFORT;
            };
            case AVIF -> lossy()
                    ? ".avif[Q=" + heifQuality(quality) + ",effort=" + (draft ? 0 : AVIF_EFFORT)
                    : ".avif[lossless,effort=" + AVIF_EFFORT;
            case HEIC -> lossy()
                    ? ".heic[Q=" + heifQuality(quality) + ",compression=hevc,effort=" + (draft ? 0 : 4)
                    : ".heic[lossless,compression=hevc";
            case GIF -> ".gif[effort=" + GIF_EFFORT + ",bitdepth=" + bitdepth
                    + (mode == Mode.PALETTE && quality < 100 ? ",dither=1" : ",dither=0");
            default -> throw new IllegalArgumentException("no compression search for " + format);
        };
        return s + (strip ? ",strip]" : "]");
    }

    private boolean lossy() {
        return mode == Mode.LOSSY || mode == Mode.PLAIN;
    }

    /** libheif's AVIF/HEIC quality runs higher than JPEG's for the same look. */
    public static int heifQuality(int q) {
        return Math.clamp(q - 25, 1, 100);
    }

    @Override
    public String toString() {
        return format.extension() + " " + mode.name().toLowerCase(java.util.Locale.ROOT)
                + (lossy() || mode == Mode.PALETTE ? " q" + quality : "")
                + (format == ImageFormat.JPEG && lossy() ? (subsample ? " 4:2:0" : " 4:4:4") : "")
                + (format == ImageFormat.GIF ? " " + bitdepth + "-bit" : "");
    }
}
