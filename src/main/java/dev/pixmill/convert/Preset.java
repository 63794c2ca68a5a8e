package dev.pixmill.convert;

import dev.pixmill.engine.ImageFormat;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Platform presets: a box to fit inside and, for some, the format the platform needs. */
public enum Preset {
    INSTAGRAM_POST(1080, 1080),
    INSTAGRAM_PORTRAIT(1080, 1350),
    INSTAGRAM_STORY(1080, 1920),
    FACEBOOK_POST(1200, 630),
    FACEBOOK_COVER(820, 312),
    TWITTER_POST(1600, 900),
    TWITTER_HEADER(1500, 500),
    LINKEDIN_POST(1200, 627),
    LINKEDIN_BANNER(1584, 396),
    YOUTUBE_THUMBNAIL(1280, 720),
    PINTEREST_PIN(1000, 1500),
    TIKTOK_VIDEO_COVER(1080, 1920),
    ETSY_LISTING(2000, 2000),
    SHOPIFY_PRODUCT(2048, 2048),
    AMAZON_PRODUCT(2000, 2000),
    EBAY_LISTING(1600, 1600),
    OG_IMAGE(1200, 630),
    EMAIL_HEADER(600, 200),
    WEB_HERO(1920, 1080),
    FAVICON(48, 48, ImageFormat.ICO);

    private final int width;
    private final int height;
    private final ImageFormat format;

    Preset(int width, int height) {
        this(width, height, null);
    }

    Preset(int width, int height, ImageFormat format) {
        this.width = width;
        this.height = height;
        this.format = format;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The format the platform requires, if any (favicon: ico). */
    public Optional<ImageFormat> format() {
        return Optional.ofNullable(format);
    }

    /**
     * Quality for images published on platforms that recompress them anyway: a little below the
     * general default for lossy formats. The engine maps it onto each encoder's own scale.
     */
    public int quality(ImageFormat output) {
        return switch (output) {
            case JPEG -> 82;
            case WEBP -> 80;
            case AVIF, HEIC -> 80;
            default -> 90;
        };
    }

    public static Optional<Preset> byId(String id) {
        return Arrays.stream(values()).filter(p -> p.id().equalsIgnoreCase(id == null ? "" : id.strip())).findFirst();
    }
}
