package dev.pixmill.generate;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** A size in pixels, written {@code WIDTHxHEIGHT}. */
public record ImageSize(int width, int height) {

    /** The sizes the contract offers. */
    public static final List<ImageSize> OFFERED = List.of(new ImageSize(1024, 1024), new ImageSize(1152, 896),
            new ImageSize(1216, 832), new ImageSize(1344, 768), new ImageSize(1536, 640), new ImageSize(640, 1536),
            new ImageSize(768, 1344), new ImageSize(832, 1216), new ImageSize(896, 1152));

    public static final ImageSize DEFAULT = OFFERED.getFirst();

    public ImageSize {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("sizes are positive");
        }
    }

    /** {@code 1024x1024} (an {@code X} too); empty if it is not of that shape. */
    public static Optional<ImageSize> parse(String text) {
        String[] sides = text.strip().toLowerCase(Locale.ROOT).split("x", -1);
        if (sides.length != 2 || !sides[0].matches("[0-9]{1,5}") || !sides[1].matches("[0-9]{1,5}")) {
            return Optional.empty();
        }
        int w = Integer.parseInt(sides[0]);
        int h = Integer.parseInt(sides[1]);
        return w < 1 || h < 1 ? Optional.empty() : Optional.of(new ImageSize(w, h));
    }

    /** One of the contract's sizes, or empty. */
    public static Optional<ImageSize> offered(String text) {
        return parse(text).filter(OFFERED::contains);
    }

    /**
     * Of {@code candidates}, the one whose aspect ratio is nearest to this one's (then the one
     * with the most pixels, then the first): cropping it to this shape cuts the least.
     */
    public ImageSize nearestIn(List<ImageSize> candidates) {
        ImageSize best = null;
        double bestDistance = Double.MAX_VALUE;
        for (ImageSize c : candidates) {
            double distance = Math.abs(Math.log(aspect() / c.aspect()));
            boolean nearer = distance < bestDistance - 1e-9;
            boolean asNearButLarger = Math.abs(distance - bestDistance) <= 1e-9 && best != null && c.pixels() > best.pixels();
            if (best == null || nearer || asNearButLarger) {
                best = c;
                bestDistance = distance;
            }
        }
        return best;
    }

    public double aspect() {
        return (double) width / height;
    }

    public long pixels() {
        return (long) width * height;
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }

    static String offeredNames() {
        return OFFERED.stream().map(ImageSize::toString).collect(Collectors.joining(", "));
    }
}
