package dev.pixmill.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The identity of one piece of engine work: SHA-256 over the input bytes and a canonical text of
 * everything in the {@link ConversionSpec} that decides the output, plus the engine's versions.
 * Two conversions with the same key produce the same bytes, so one result serves both (the
 * result cache). The timeout is left out: it decides only whether work finishes, not what it
 * makes. The limits are kept in: a result must never reach a caller whose own limits would have
 * refused the input (the optimize dialect's are stricter).
 */
public final class OperationKey {

    /** Bumped when the canonical text below changes meaning. */
    static final int FORMAT = 1;

    /**
     * Bumped when Pixmill's own encoding changes (an encoder setting, a pipeline step, a
     * compression ladder), so that results of the earlier code are no longer served.
     */
    public static final int ENGINE_REVISION = 1;

    private OperationKey() {
    }

    /** The key as 64 lowercase hex digits. */
    public static String of(byte[] input, ConversionSpec spec, String vipsVersion) {
        MessageDigest sha = sha256();
        sha.update(input);
        sha.update((byte) 0);
        sha.update(canonical(spec, vipsVersion).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Every output-deciding member by name, in a fixed order; absent ones as "-". */
    static String canonical(ConversionSpec spec, String vipsVersion) {
        ImageLimits l = spec.limits();
        Compression c = spec.compression();
        return "v" + FORMAT + ";engine=" + ENGINE_REVISION + ";vips=" + vipsVersion
                + ";out=" + spec.output().name() + ";q=" + spec.quality()
                + ";w=" + (spec.width() == null ? "-" : spec.width())
                + ";h=" + (spec.height() == null ? "-" : spec.height())
                + ";up=" + spec.upscale() + ";meta=" + spec.keepMetadata() + ";fit=" + spec.fit().name()
                + ";comp=" + (c == null ? "-" : c.kind().name() + ":" + c.value())
                + ";limits=" + (l == null ? "-" : l.maxBytes() + "," + l.maxWidth() + "," + l.maxHeight() + ","
                        + l.maxMegapixels() + "," + l.checkVectorDimensions());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
