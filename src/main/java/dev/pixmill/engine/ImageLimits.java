package dev.pixmill.engine;

/**
 * Limits checked before the expensive step: bytes before anything is read, dimensions from the
 * header before any pixel is decoded. Dialects pass their own (the optimize dialect is stricter).
 *
 * @param checkVectorDimensions false lets SVG inputs through the width/height/megapixel checks
 *        (they are rendered at the target size, not at their declared size)
 */
public record ImageLimits(long maxBytes, int maxWidth, int maxHeight, long maxMegapixels,
        boolean checkVectorDimensions) {

    public ImageLimits {
        if (maxBytes <= 0 || maxWidth <= 0 || maxHeight <= 0 || maxMegapixels <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
