package dev.pixmill.engine.compress;

import dev.pixmill.engine.Compression;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.jpeg.LosslessJpeg;
import dev.pixmill.engine.vips.Vips;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.error.InvalidImageException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compression searches, on one decoded image held in memory: each candidate is an encode of
 * the same pixels, measured (size, and SSIM against those pixels where a pass is lossy), and the
 * smallest acceptable one wins. One instance per conversion; not thread-safe.
 *
 * <p>Lossy targets are relative to the image itself: {@code d80}, the SSIM distance of a q80 encode
 * of this image in the output format, calibrates what "looks like a good q80" means for its content
 * (a noisy photo and a flat graphic differ by an order of magnitude), and each level or smart
 * quality is a distance around it.
 */
public final class Compressor implements AutoCloseable {

    /**
     * What the search works on.
     *
     * @param image the decoded, resized, sRGB image, in memory (it is encoded many times)
     * @param inputFormat the format of the original
     * @param original the original encoded bytes
     * @param unchanged whether the image holds exactly the original's pixels (not resized, rotated or
     *     flattened): then the original bytes and the lossless JPEG pass compete too
     * @param animated whether the image is a strip of frames
     * @param keepMetadata keep EXIF/ICC where the format can hold them
     */
    public record Source(MemorySegment image, ImageFormat inputFormat, byte[] original, boolean unchanged,
            boolean animated, boolean keepMetadata) {
    }

    /** The winner, and how it was found. */
    public record Outcome(byte[] bytes, String pass, double ssim, int encodes, boolean original) {
    }

    /** Quality range of the lossy searches; below 10 JPEG and WebP fall apart. */
    static final int MIN_QUALITY = 10;
    static final int MAX_QUALITY = 98;
    /** Encodes of one target-size quality search (2^7 covers the 10-95 range to one step). */
    static final int TARGET_SEARCH_ENCODES = 7;
    static final int TARGET_MAX_QUALITY = 95;
    /** Scale-down rounds of a target-size search before giving up. */
    static final int TARGET_MAX_ROUNDS = 5;
    /** Below this many colours an image is a graphic: lossless encodes are worth trying at every level. */
    static final int GRAPHIC_COLOURS = 4096;
    /**
     * TurboJPEG holds every coefficient of the image and the check decodes both files: about
     * 8 bytes per pixel (91 MB at 12 MP). Larger JPEGs skip the lossless re-coding.
     */
    public static final long LOSSLESS_JPEG_MAX_PIXELS = 24_000_000;

    private final Arena arena;
    private final Source src;
    private final ImageFormat output;
    private final Runnable checkDeadline;
    private final boolean strip;
    private MemorySegment image;
    private MemorySegment pixels;
    private Luma reference;
    private Integer colours;
    private int encodes;

    public Compressor(Arena arena, Source src, ImageFormat output, Runnable checkDeadline) {
        this.arena = arena;
        this.src = src;
        this.output = output;
        this.checkDeadline = checkDeadline;
        this.strip = !src.keepMetadata();
        this.image = src.image();
    }

    /** Formats the searches know; others are encoded once, as a plain conversion does. */
    public static boolean searchable(ImageFormat f) {
        return switch (f) {
            case JPEG, PNG, WEBP, AVIF, HEIC, GIF -> true;
            default -> false;
        };
    }

    /** Formats a target size can be reached with (a quality knob that trades bytes smoothly). */
    public static boolean supportsTargetSize(ImageFormat f) {
        return f == ImageFormat.JPEG || f == ImageFormat.WEBP || f == ImageFormat.AVIF || f == ImageFormat.HEIC;
    }

    public Outcome run(Compression c) {
        Candidate best = switch (c.kind()) {
            case LEVEL -> ladder(c.value());
            case SMART -> smart(c.smartLevel());
            case QUALITY -> fixed(c.value());
            case TARGET_KB -> target(c.targetBytes());
        };
        if (src.unchanged() && src.inputFormat() == output && src.original().length <= best.bytes.length
                && (c.kind() != Compression.Kind.TARGET_KB || src.original().length <= c.targetBytes())) {
            return new Outcome(src.original(), "original", 1.0, encodes, true);
        }
        return new Outcome(best.bytes, best.label, best.ssim, encodes, false);
    }

    /** The image the winner holds (the target-size search may have scaled it down). */
    public MemorySegment image() {
        return image;
    }

    // ---- the optimize ladder -------------------------------------------------------------------

    /**
     * Level 1: lossless passes only. Level 2 adds a lossy re-encode close to the source; 3 adds
     * palette quantisation (PNG, GIF); 5 adds chroma subsampling; every level up to 10 lowers the
     * SSIM target a step, and level 10 aims at the look of a q80 encode of this image. The lossless
     * candidates compete at every level, so a higher level is never larger than a lower one.
     */
    private Candidate ladder(int level) {
        if (level == 1) {
            return smallest(lossless());
        }
        List<Candidate> candidates = new ArrayList<>();
        double f = (level - 2) / 8.0;
        lossy(d80 -> d80 * (0.3 + 0.7 * f) + 0.004 * f, level >= 5).ifPresent(candidates::add);
        if (level >= 3) {
            quantised(0.004 + 0.026 * (level - 3) / 7.0).ifPresent(candidates::add);
        }
        return smallest(withLossless(candidates));
    }

    /** Smart qualities: HIGH looks like a q90 encode of this image, MEDIUM like q80, LOW like q65. */
    private Candidate smart(Compression.Smart smart) {
        List<Candidate> candidates = new ArrayList<>();
        switch (smart) {
            case HIGH -> lossy(d80 -> 0.5 * d80, false).ifPresent(candidates::add);
            case MEDIUM -> lossy(d80 -> d80 + 0.004, true).ifPresent(candidates::add);
            case LOW -> lossy(d80 -> 1.6 * d80 + 0.006, true).ifPresent(candidates::add);
        }
        switch (smart) {
            case HIGH -> quantised(0.004).ifPresent(candidates::add);
            case MEDIUM -> quantised(0.015).ifPresent(candidates::add);
            case LOW -> quantised(0.03).ifPresent(candidates::add);
        }
        candidates = withLossless(candidates);
        if (candidates.isEmpty()) {
            candidates.addAll(lossless());
        }
        return smallest(candidates);
    }

    /**
     * The lossy candidates with the lossless ones that compete, put first so that they win a tie.
     * The JPEG re-coding (a decode-check of the whole image) is skipped when a lossy candidate is
     * already below what it can reach.
     */
    private List<Candidate> withLossless(List<Candidate> lossy) {
        long beat = lossy.stream().mapToLong(c -> c.bytes.length).min().orElse(Long.MAX_VALUE);
        List<Candidate> all = output == ImageFormat.JPEG && beat <= LosslessJpeg.floorBytes(src.original())
                ? new ArrayList<>() : losslessIfCompeting();
        all.addAll(lossy);
        return all;
    }

    /** A fixed quality; PNG: 100 is lossless, below it a palette at that libimagequant quality. */
    private Candidate fixed(int quality) {
        List<Candidate> candidates = new ArrayList<>();
        losslessJpeg().ifPresent(candidates::add);
        switch (output) {
            case PNG -> {
                candidates.addAll(lossless());
                if (quality < 100 && colours() > 256) {
                    candidates.add(encode(Encoding.palette(ImageFormat.PNG, quality, 8)));
                }
            }
            case GIF -> candidates.add(encode(Encoding.palette(ImageFormat.GIF, quality, 8)));
            default -> candidates.add(encode(Encoding.lossy(output, quality, output == ImageFormat.JPEG && quality < 90)));
        }
        return smallest(candidates);
    }

    // ---- passes --------------------------------------------------------------------------------

    /** Every pixel kept: entropy re-coding, filter/deflate choice, exact palettes, lossless modes. */
    private List<Candidate> lossless() {
        List<Candidate> out = new ArrayList<>();
        switch (output) {
            case JPEG -> {
                Optional<Candidate> recoded = losslessJpeg();
                // without the original's coefficients the closest JPEG gets is Q=100 at 4:4:4
                out.add(recoded.orElseGet(() -> encode(Encoding.lossless(ImageFormat.JPEG))));
            }
            case PNG -> {
                out.add(exact(encode(Encoding.lossless(ImageFormat.PNG))));
                if (colours() <= 256) {
                    exactPalette(Encoding.palette(ImageFormat.PNG, 100, 8)).ifPresent(out::add);
                }
                if (colours() > 256) {
                    out.add(exact(encode(Encoding.adaptivePng())));
                }
            }
            case GIF -> {
                Candidate repacked = encode(Encoding.palette(ImageFormat.GIF, 100, 8));
                out.add(colours() <= 256 && identical(repacked.bytes) ? exact(repacked) : measured(repacked));
            }
            default -> out.add(exact(encode(Encoding.lossless(output))));
        }
        return out;
    }

    /**
     * The lossless candidates where they can win against a lossy one: always for PNG and GIF, the
     * re-coded original for JPEG, and WebP/AVIF/HEIC lossless for graphics only (on a photo they
     * are several times larger, and lossless WebP costs seconds).
     */
    private List<Candidate> losslessIfCompeting() {
        if (output == ImageFormat.JPEG) {
            return new ArrayList<>(losslessJpeg().stream().toList());
        }
        if (output == ImageFormat.PNG || output == ImageFormat.GIF || colours() <= GRAPHIC_COLOURS) {
            return lossless();
        }
        return new ArrayList<>();
    }

    private Optional<Candidate> losslessJpeg() {
        if (output != ImageFormat.JPEG || src.inputFormat() != ImageFormat.JPEG || !src.unchanged()
                || !LosslessJpeg.available()
                || (long) Vips.width(src.image()) * Vips.height(src.image()) > LOSSLESS_JPEG_MAX_PIXELS) {
            return Optional.empty();
        }
        checkDeadline.run();
        return LosslessJpeg.recode(src.original(), src.keepMetadata())
                .map(bytes -> new Candidate(bytes, "jpeg lossless re-coding", 1.0));
    }

    private Optional<Candidate> exactPalette(Encoding e) {
        Candidate c = encode(e);
        return identical(c.bytes) ? Optional.of(exact(c)) : Optional.empty();
    }

    /** Distance of a target as a function of the q80 distance of this image. */
    private interface Distance {
        double of(double d80);
    }

    /** Lowest quality of the lossy searches: below it a photo shows blocks that luma SSIM underrates. */
    static final int LOSSY_MIN_QUALITY = 30;

    /**
     * The lowest quality whose SSIM stays within {@code distance} of 1. The anchor is the plain q80
     * encode (what a conversion at q80 gives), so a level-10 result is within its margin of that
     * SSIM for every image; a secant search from it ({@link QualitySearch}) then finds the quality.
     */
    private Optional<Candidate> lossy(Distance distance, boolean subsample) {
        if (output == ImageFormat.PNG || output == ImageFormat.GIF) {
            return Optional.empty();
        }
        Encoding base = Encoding.lossy(output, 80, output != ImageFormat.JPEG || subsample);
        Candidate anchor = measured(encode(Encoding.plain(output, 80).asDraft()));
        double target = 1 - distance.of(1 - anchor.ssim);
        int budget = output == ImageFormat.AVIF || output == ImageFormat.HEIC ? 3 : 6;
        Map<Integer, Candidate> probes = new HashMap<>();
        QualitySearch.Probe probe = q -> probes.computeIfAbsent(q, k -> measured(encode(base.withQuality(k).asDraft()))).ssim;
        int found = QualitySearch.lowestPassing(probe, target, LOSSY_MIN_QUALITY, MAX_QUALITY, 80, anchor.ssim, budget)
                .quality();
        List<Candidate> passing = new ArrayList<>();
        if (found > 0) {
            passing.add(finished(base.withQuality(found), probes.get(found), target));
        }
        // a passing plain encode competes: for WebP it is another saver setting (the default preset),
        // sometimes smaller; a JPEG anchor is a 4:2:0 draft, which levels below 5 do not allow and
        // which a passing probe of the same family already beats
        if (anchor.ssim >= target && (output != ImageFormat.JPEG || subsample) && (passing.isEmpty() || !anchor.draft)) {
            passing.add(finished(Encoding.plain(output, 80), anchor, target));
        }
        if (passing.isEmpty()) { // nothing in range reached the target: the closest look measured
            return probes.values().stream().max(Comparator.comparingDouble(Candidate::ssim))
                    .map(c -> finished(base.withQuality(c.quality), c, 0));
        }
        return Optional.of(smallest(passing));
    }

    /**
     * The full-effort encode of a passing probe. A JPEG draft has the same pixels, so its SSIM
     * stands; other drafts are measured again and the full encode is kept if it still passes and is
     * smaller, else the draft stands.
     */
    private Candidate finished(Encoding full, Candidate probe, double target) {
        if (!probe.draft) {
            return probe;
        }
        Candidate c = encode(full);
        if (full.draftKeepsPixels()) {
            return new Candidate(c.bytes, c.label, probe.ssim, c.quality, false);
        }
        Candidate measured = measured(c);
        return measured.ssim >= target && measured.bytes.length <= probe.bytes.length ? measured : probe;
    }

    /** Palette qualities every PNG quantisation tries, whatever the level. */
    static final int[] PALETTE_QUALITIES = {95, 80, 65, 50};

    /**
     * PNG and GIF palette quantisation (libimagequant), kept only when its SSIM is within
     * {@code distance} of 1. The same fixed set of palettes is tried at every level and the smallest
     * passing one wins: a dithered palette with fewer colours is not always smaller, so a search
     * that assumed it was could give a higher level a larger file.
     */
    private Optional<Candidate> quantised(double distance) {
        double target = 1 - distance;
        List<Candidate> passing = new ArrayList<>();
        if (output == ImageFormat.PNG && colours() > 256) {
            for (int q : PALETTE_QUALITIES) {
                Candidate c = measured(encode(Encoding.palette(ImageFormat.PNG, q, 8).asDraft()));
                if (c.ssim >= target) {
                    passing.add(c);
                }
            }
        } else if (output == ImageFormat.GIF) {
            for (int bits = 7; bits >= 4; bits--) {
                Candidate c = measured(encode(Encoding.palette(ImageFormat.GIF, 90, bits)));
                if (c.ssim >= target) {
                    passing.add(c);
                }
            }
        }
        return passing.isEmpty() ? Optional.empty() : Optional.of(smallest(passing));
    }

    // ---- target size ---------------------------------------------------------------------------

    /**
     * The highest quality not larger than {@code bytes}: a binary search of at most
     * {@link #TARGET_SEARCH_ENCODES} encodes; if even the lowest quality is too large, the image is
     * scaled down by the square root of the size ratio (bytes grow about with the pixel count) and
     * searched again.
     */
    private Candidate target(long bytes) {
        if (!supportsTargetSize(output)) {
            throw new BadRequestException("invalid_parameter", "a target size needs a lossy output format "
                    + "(jpg, webp, avif or heic), not " + output.extension());
        }
        Optional<Candidate> recoded = losslessJpeg().filter(c -> c.bytes.length <= bytes);
        if (recoded.isPresent()) {
            return recoded.get();
        }
        MemorySegment full = image;
        int w = Vips.width(full);
        int h = Vips.height(full);
        for (int round = 0; round < TARGET_MAX_ROUNDS; round++) {
            Encoding base = Encoding.lossy(output, 80, true);
            int lo = MIN_QUALITY;
            int hi = TARGET_MAX_QUALITY;
            Candidate best = null;
            long smallest = Long.MAX_VALUE;
            for (int n = 0; n < TARGET_SEARCH_ENCODES && lo <= hi; n++) {
                int mid = (lo + hi + 1) >>> 1;
                Candidate c = encode(base.withQuality(mid));
                smallest = Math.min(smallest, c.bytes.length);
                if (c.bytes.length <= bytes) {
                    best = c;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            if (best != null) {
                return jpeg444Within(best, bytes);
            }
            if (hi >= MIN_QUALITY) { // the search ran out before reaching the lowest quality
                Candidate lowest = encode(base.withQuality(MIN_QUALITY));
                if (lowest.bytes.length <= bytes) {
                    return lowest;
                }
                smallest = lowest.bytes.length;
            }
            double scale = Math.sqrt((double) bytes / smallest) * 0.95;
            int nw = (int) Math.floor(Vips.width(image) * scale);
            int nh = (int) Math.floor(Vips.height(image) * scale);
            if (nw < 1 || nh < 1) {
                break;
            }
            MemorySegment scaled = Vips.thumbnailImage(arena, full, nw, nh, Vips.SIZE_DOWN, true);
            try {
                replaceImage(Vips.copyMemory(scaled));
            } finally {
                Vips.unref(scaled);
            }
            w = Vips.width(image);
            h = Vips.height(image);
        }
        throw new InvalidImageException("target_unreachable", "the image cannot be made as small as "
                + bytes / 1024 + " KB (even at " + w + "x" + h + " pixels and the lowest quality)");
    }

    /** Drops the scaled-down image a target-size search made (the source image is the caller's). */
    @Override
    public void close() {
        replaceImage(src.image());
    }

    /**
     * JPEG steps between qualities can be several per cent apart: when the winner is more than 10 %
     * under the target, the same quality without chroma subsampling (better colour) may still fit.
     */
    private Candidate jpeg444Within(Candidate best, long bytes) {
        if (output != ImageFormat.JPEG || best.bytes.length >= bytes * 0.9 || best.quality >= 90) {
            return best;
        }
        Candidate full = encode(Encoding.lossy(ImageFormat.JPEG, best.quality, false));
        return full.bytes.length <= bytes ? full : best;
    }

    private void replaceImage(MemorySegment next) {
        if (image != src.image() && image != next) {
            Vips.unref(image);
        }
        image = next;
        pixels = null;
        reference = null;
    }

    // ---- measuring -----------------------------------------------------------------------------

    private Candidate encode(Encoding e) {
        checkDeadline.run();
        encodes++;
        return new Candidate(Vips.writeToBuffer(arena, image, e.suffix(strip)), e.toString(), Double.NaN, e.quality(),
                e.draft());
    }

    private static Candidate exact(Candidate c) {
        return new Candidate(c.bytes, c.label, 1.0, c.quality, c.draft);
    }

    private Candidate measured(Candidate c) {
        return new Candidate(c.bytes, c.label, ssim(c.bytes), c.quality, c.draft);
    }

    private double ssim(byte[] encoded) {
        checkDeadline.run();
        Luma ref = reference();
        Luma cand = Luma.ofEncoded(encoded, loaderOptions());
        int w = Math.min(ref.width(), cand.width());
        int h = Math.min(ref.height(), cand.height());
        return Ssim.of(ref.cropTo(w, h), cand.cropTo(w, h));
    }

    private Luma reference() {
        if (reference == null) {
            reference = Luma.of(image);
        }
        return reference;
    }

    private String loaderOptions() {
        return src.animated() ? "n=-1" : "";
    }

    /** Whether {@code encoded} decodes to exactly the image's pixels (alpha 255 and grey compare as such). */
    private boolean identical(byte[] encoded) {
        MemorySegment ref = pixels();
        int refBands = Vips.bands(image);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment img = Luma.decode(a, encoded, loaderOptions());
            try {
                if (Vips.width(img) != Vips.width(image) || Vips.height(img) != Vips.height(image)) {
                    return false;
                }
                MemorySegment got = Vips.pixels(a, img);
                return Pixels.identical(ref, refBands, got, Vips.bands(img));
            } finally {
                Vips.unref(img);
            }
        }
    }

    private MemorySegment pixels() {
        if (pixels == null) {
            pixels = Vips.pixels(arena, image);
        }
        return pixels;
    }

    /** Distinct colours of the image, counted up to {@link #GRAPHIC_COLOURS} + 1. */
    private int colours() {
        if (colours == null) {
            colours = Pixels.countColours(pixels(), Vips.bands(image), GRAPHIC_COLOURS + 1);
        }
        return colours;
    }

    private static Candidate smallest(List<Candidate> candidates) {
        return candidates.stream().min(Comparator.comparingInt((Candidate c) -> c.bytes.length)).orElseThrow();
    }

    /**
     * One encode; {@code ssim} is NaN until measured (1.0 when it keeps every pixel); {@code draft}
     * when it is a search's probe (a JPEG draft is finished before it is returned).
     */
    private record Candidate(byte[] bytes, String label, double ssim, int quality, boolean draft) {
        Candidate(byte[] bytes, String label, double ssim) {
            this(bytes, label, ssim, 100, false);
        }
    }

}
