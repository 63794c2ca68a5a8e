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
 * @param draft the saver's fast effort, for the probes of a search (WebP, AVIF, HEIC, PNG palettes:
 *     about half the time, a few per cent larger, the same look at the same quality)
 */
public record Encoding(ImageFormat format, Mode mode, int quality, boolean subsample, int bitdepth, boolean draft) {

    public Encoding(ImageFormat format, Mode mode, int quality, boolean subsample, int bitdepth) {
        this(format, mode, quality, subsample, bitdepth, false);
    }

    public enum Mode {
        LOSSY,
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

    /** This encoding at the saver's fast effort, where it has one. */
    public Encoding asDraft() {
        boolean has = format == ImageFormat.WEBP || format == ImageFormat.AVIF || format == ImageFormat.HEIC
                || mode == Mode.PALETTE && format == ImageFormat.PNG;
        return has ? new Encoding(format, mode, quality, subsample, bitdepth, true) : this;
    }

    /** Whether decoding gives back exactly the encoded pixels (PALETTE only when checked to be exact). */
    public boolean keepsPixels() {
        return mode == Mode.LOSSLESS && format != ImageFormat.JPEG || mode == Mode.ADAPTIVE;
    }

    /** The libvips save suffix, e.g. {@code .jpg[Q=80,optimize_coding,interlace,subsample_mode=on,strip]}. */
    String suffix(boolean strip) {
        String s = switch (format) {
            case JPEG -> ".jpg[Q=" + (mode == Mode.LOSSY ? quality : 100) + ",optimize_coding,interlace,subsample_mode="
                    + (mode == Mode.LOSSY && subsample ? "on" : "off");
            case PNG -> switch (mode) {
                case LOSSLESS, LOSSY -> ".png[compression=9,filter=none";
                case ADAPTIVE -> ".png[compression=6,filter=all";
                case PALETTE -> ".png[compression=9,filter=none,palette,effort=" + (draft ? 1 : PALETTE_EFFORT)
                        + ",Q=" + quality
                        + (quality >= 100 ? ",dither=0" : ",dither=1");
            };
            case WEBP -> mode == Mode.LOSSY
                    ? ".webp[Q=" + quality + ",effort=" + (draft ? 1 : WEBP_EFFORT) + ",smart_subsample"
                    : ".webp[lossless,effort=" + WEBP_EFFORT;
            case AVIF -> mode == Mode.LOSSY
                    ? ".avif[Q=" + heifQuality(quality) + ",effort=" + (draft ? 0 : AVIF_EFFORT)
                    : ".avif[lossless,effort=" + AVIF_EFFORT;
            case HEIC -> mode == Mode.LOSSY
                    ? ".heic[Q=" + heifQuality(quality) + ",compression=hevc,effort=" + (draft ? 0 : 4)
                    : ".heic[lossless,compression=hevc";
            case GIF -> ".gif[effort=" + GIF_EFFORT + ",bitdepth=" + bitdepth
                    + (mode == Mode.PALETTE && quality < 100 ? ",dither=1" : ",dither=0");
            default -> throw new IllegalArgumentException("no compression search for " + format);
        };
        return s + (strip ? ",strip]" : "]");
    }

    /** libheif's AVIF/HEIC quality runs higher than JPEG's for the same look. */
    public static int heifQuality(int q) {
        return Math.clamp(q - 25, 1, 100);
    }

    @Override
    public String toString() {
        return format.extension() + " " + mode.name().toLowerCase(java.util.Locale.ROOT)
                + (mode == Mode.LOSSY || mode == Mode.PALETTE ? " q" + quality : "")
                + (format == ImageFormat.JPEG && mode == Mode.LOSSY ? (subsample ? " 4:2:0" : " 4:4:4") : "")
                + (format == ImageFormat.GIF ? " " + bitdepth + "-bit" : "");
    }
}
