package dev.pixmill.generate;

import java.util.Locale;
import java.util.Optional;

/** The contract's models: what an image costs, and who may ask for it. */
public enum Model {
    STANDARD("standard", 1), PREMIUM("premium", 5);

    private final String id;
    private final int creditsPerImage;

    Model(String id, int creditsPerImage) {
        this.id = id;
        this.creditsPerImage = creditsPerImage;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String id() {
        return id;
    }

    public int creditsPerImage() {
        return creditsPerImage;
    }

    public static Optional<Model> of(String id) {
        String wanted = id.strip().toLowerCase(Locale.ROOT);
        for (Model m : values()) {
            if (m.id.equals(wanted)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
