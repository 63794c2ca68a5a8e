package dev.pixmill.engine;

/** An encoded result and the dimensions of the image it holds. */
public record EngineResult(byte[] bytes, ImageFormat format, int width, int height) {
}
