package dev.pixmill.engine;

/**
 * What the header of an input says, read without decoding pixels.
 *
 * @param hasAlpha whether the decoded image will have an alpha band, as the header says (for a GIF:
 *        whether it has a transparent colour)
 * @param sidesSwapped whether the image is displayed turned a quarter (EXIF orientation 5-8, which
 *        the engine applies): {@code width} and {@code height} are the stored sides
 */
public record ImageInfo(ImageFormat format, int width, int height, int pages, boolean hasAlpha,
        boolean sidesSwapped) {

    public ImageInfo(ImageFormat format, int width, int height, int pages, boolean hasAlpha) {
        this(format, width, height, pages, hasAlpha, false);
    }

    /** The width of the image as it is displayed, and as results of it are made. */
    public int displayWidth() {
        return sidesSwapped ? height : width;
    }

    public int displayHeight() {
        return sidesSwapped ? width : height;
    }
}
