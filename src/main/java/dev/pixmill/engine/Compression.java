package dev.pixmill.engine;

import java.util.Locale;

/**
 * How hard the engine compresses, beyond a plain encode at a fixed quality. Dialects map their own
 * fields onto one of these: the optimize dialect's level 1-10, a target size in KB, or a perceptual
 * "smart" quality. Serialised with the job, so it must stay a plain record.
 *
 * @param kind which search the engine runs
 * @param value the level (1-10), the target in KB, the {@link Smart} ordinal, or the quality (1-100)
 */
public record Compression(Kind kind, int value) {

    public enum Kind {
        /** The optimize ladder: 1 = lossless passes only ... 10 = every lossy pass. */
        LEVEL,
        /** The highest quality that fits in {@code value} KB, scaled down if even the lowest does not. */
        TARGET_KB,
        /** The smallest file whose perceptual quality stays at a named level. */
        SMART,
        /** A fixed encoder quality 1-100, but never larger than the original in the same format. */
        QUALITY
    }

    /** Perceptual quality levels, as the conversion dialect's {@code smart_quality} names them. */
    public enum Smart {
        LOW, MEDIUM, HIGH;

        public static Smart of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    public static final int MAX_LEVEL = 10;
    public static final int MAX_TARGET_KB = 51_200;

    public Compression {
        if (kind == null) {
            throw new IllegalArgumentException("compression kind is required");
        }
        switch (kind) {
            case LEVEL -> {
                if (value < 1 || value > MAX_LEVEL) {
                    throw new IllegalArgumentException("level must be within 1-10");
                }
            }
            case TARGET_KB -> {
                if (value < 1 || value > MAX_TARGET_KB) {
                    throw new IllegalArgumentException("target must be within 1-" + MAX_TARGET_KB + " KB");
                }
            }
            case QUALITY -> {
                if (value < 1 || value > 100) {
                    throw new IllegalArgumentException("quality must be within 1-100");
                }
            }
            case SMART -> {
                if (value < 0 || value >= Smart.values().length) {
                    throw new IllegalArgumentException("unknown smart quality");
                }
            }
        }
    }

    public static Compression level(int level) {
        return new Compression(Kind.LEVEL, level);
    }

    public static Compression targetKb(int kb) {
        return new Compression(Kind.TARGET_KB, kb);
    }

    public static Compression smart(Smart smart) {
        return new Compression(Kind.SMART, smart.ordinal());
    }

    public static Compression quality(int quality) {
        return new Compression(Kind.QUALITY, quality);
    }

    public Smart smartLevel() {
        return Smart.values()[value];
    }

    public long targetBytes() {
        return value * 1024L;
    }
}
