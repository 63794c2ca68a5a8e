package dev.pixmill.engine;

/**
 * What the header of an input says, read without decoding pixels.
 *
 * @param hasAlpha whether the decoded image will have an alpha band, as the header says (for a GIF:
 *        whether it has a transparent colour)
 */
public record ImageInfo(ImageFormat format, int width, int height, int pages, boolean hasAlpha) {
}
