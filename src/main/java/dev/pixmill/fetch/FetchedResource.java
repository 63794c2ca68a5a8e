package dev.pixmill.fetch;

/**
 * A fetched body. {@code contentType} is the media type without parameters, lower case, or null;
 * {@code filename} is a sanitised name from Content-Disposition or the final URL path, or null.
 */
public record FetchedResource(byte[] bytes, String contentType, String filename) {
}
