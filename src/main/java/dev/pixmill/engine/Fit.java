package dev.pixmill.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How an image meets a box of both sides, aspect ratio always kept. Stored with the job by its
 * name; rows written before there was a choice have none, which means {@link #INSIDE}.
 */
public enum Fit {
    /** As large as fits inside the box: one side may come out shorter than the box. */
    INSIDE,
    /** Fills the box and is cropped to it, centred: what overflows the box is cut off. */
    COVER,
    /** Fits inside the box and is padded to exactly the box, centred. */
    CONTAIN;

    /** The API name: {@code inside}, {@code cover}, {@code contain}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Fit> of(String name) {
        String n = name == null ? "" : name.strip();
        return Arrays.stream(values()).filter(f -> f.id().equalsIgnoreCase(n)).findFirst();
    }
}
