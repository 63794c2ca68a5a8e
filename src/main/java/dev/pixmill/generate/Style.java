package dev.pixmill.generate;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The contract's styles; each says how it is asked of a remote model and how an alt text names it. */
public enum Style {
    PHOTO("photo", "Photo", "a photorealistic photograph, natural light, high detail"),
    ILLUSTRATION("illustration", "Illustration", "a clean digital illustration with bold shapes and flat colours"),
    WATERCOLOR("watercolor", "Watercolor painting", "a watercolor painting on textured paper, soft washes of colour"),
    FANTASY("fantasy", "Fantasy artwork", "epic fantasy art, dramatic magical lighting"),
    ANIME("anime", "Anime-style image", "anime style, cel shading, vibrant colours"),
    THREE_D("3d", "3D render", "a 3D render with soft global illumination and realistic materials"),
    ISOMETRIC("isometric", "Isometric illustration", "an isometric illustration, clean geometry, 30-degree angles"),
    NONE("none", "Image", null);

    private final String id;
    private final String noun;
    private final String promptSuffix;

    Style(String id, String noun, String promptSuffix) {
        this.id = id;
        this.noun = noun;
        this.promptSuffix = promptSuffix;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String id() {
        return id;
    }

    /** What an alt text calls an image of this style ("Watercolor painting" of ...). */
    public String noun() {
        return noun;
    }

    /** The prompt a remote model gets: the caller's, and the style in words (none adds nothing). */
    public String foldInto(String prompt) {
        if (promptSuffix == null) {
            return prompt;
        }
        String p = prompt.strip();
        String end = p.endsWith(".") || p.endsWith("!") || p.endsWith("?") ? " " : ". ";
        return p + end + "Style: " + promptSuffix + ".";
    }

    public static Optional<Style> of(String id) {
        String wanted = id.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.id.equals(wanted)).findFirst();
    }

    static String names() {
        return Arrays.stream(values()).map(Style::id).collect(Collectors.joining(", "));
    }
}
