package dev.pixmill.web;

/** The default error shape: {@code {"error": "<code>", "message": "<human sentence>"}}. */
public record ErrorBody(String error, String message) {
}
