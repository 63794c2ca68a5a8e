package dev.pixmill.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Image formats Pixmill reads and/or writes, with the names clients use for them. */
public enum ImageFormat {
    JPEG("jpg", "image/jpeg", true, true, false, "jpeg"),
    PNG("png", "image/png", true, true, true),
    WEBP("webp", "image/webp", true, true, true),
    AVIF("avif", "image/avif", true, true, true),
    HEIC("heic", "image/heic", true, true, true, "heif"),
    GIF("gif", "image/gif", true, true, true),
    BMP("bmp", "image/bmp", true, true, false),
    TIFF("tiff", "image/tiff", true, true, true, "tif"),
    ICO("ico", "image/x-icon", true, true, true),
    SVG("svg", "image/svg+xml", true, true, true),
    PDF("pdf", "application/pdf", true, true, false);

    private final String extension;
    private final String mimeType;
    private final boolean readable;
    private final boolean writable;
    private final boolean alpha;
    private final String[] aliases;

    ImageFormat(String extension, String mimeType, boolean readable, boolean writable, boolean alpha,
            String... aliases) {
        this.extension = extension;
        this.mimeType = mimeType;
        this.readable = readable;
        this.writable = writable;
        this.alpha = alpha;
        this.aliases = aliases;
    }

    /** Canonical name, also the file extension of results: {@code jpg}, {@code tiff}, ... */
    public String extension() {
        return extension;
    }

    public String mimeType() {
        return mimeType;
    }

    public boolean readable() {
        return readable;
    }

    public boolean writable() {
        return writable;
    }

    /** Whether the output can keep an alpha channel; if not, alpha is flattened onto white. */
    public boolean supportsAlpha() {
        return alpha;
    }

    /** Parses a client-given name ({@code jpg}, {@code JPEG}, {@code tif}, ...). */
    public static Optional<ImageFormat> fromName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(f -> f.extension.equals(n) || Arrays.asList(f.aliases).contains(n))
                .findFirst();
    }
}
