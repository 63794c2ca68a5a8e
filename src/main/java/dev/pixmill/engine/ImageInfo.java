package dev.pixmill.engine;

/** What the header of an input says, read without decoding pixels. */
public record ImageInfo(ImageFormat format, int width, int height, int pages) {
}
