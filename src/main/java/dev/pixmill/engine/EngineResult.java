package dev.pixmill.engine;

/**
 * An encoded result and the dimensions of the image it holds.
 *
 * @param report how a compression search reached it; null for a plain conversion
 */
public record EngineResult(byte[] bytes, ImageFormat format, int width, int height, CompressionReport report) {

    public EngineResult(byte[] bytes, ImageFormat format, int width, int height) {
        this(bytes, format, width, height, null);
    }

    /**
     * @param pass the candidate that won, e.g. {@code jpeg lossy q72 4:2:0} or {@code original}
     * @param ssim its SSIM against the decoded source at output size (1.0 when lossless; NaN if not measured)
     * @param encodes how many encodes the search made
     * @param original whether the answer is the original bytes (nothing beat them)
     */
    public record CompressionReport(String pass, double ssim, int encodes, boolean original) {
    }
}
