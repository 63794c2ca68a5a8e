package dev.pixmill.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The API dialects whose clients expect their own error shape. Chosen by path, so that failures
 * raised before a resource runs (multipart, body limits, 405) are shaped like the rest.
 */
public enum Dialect {
    /** {@code {"error": "<code>", "message": "<sentence>"}} */
    DEFAULT,
    /** The optimize dialect: {@code {"error": "<sentence>"}}. */
    OPTIMIZE,
    /** The compression-task dialect: {@code {"status": <http code>, "message": "<sentence>", "data": null}}. */
    TASKS;

    public static Dialect of(String path) {
        if (path == null) {
            return DEFAULT;
        }
        String p = path.startsWith("/") ? path : "/" + path;
        if (p.startsWith("/api/v1/optimize")) {
            return OPTIMIZE;
        }
        if (p.startsWith("/api/tasks/")) {
            return TASKS;
        }
        return DEFAULT;
    }

    /**
     * The HTTP status of {@code error} in this dialect. The optimize dialect knows only 400 for bad
     * input ("missing image / invalid format / too large"), and 500 for an optimization that failed,
     * which a processing time-out is; the others keep the status as it is.
     */
    public int status(ErrorResponse error) {
        if (this != OPTIMIZE) {
            return error.status();
        }
        return switch (error.status()) {
            case 413, 415 -> 400;
            case 422 -> "timeout".equals(error.body().error()) ? 500 : 400;
            default -> error.status();
        };
    }

    /** The JSON body of {@code error} in this dialect's shape. */
    public Object body(ErrorResponse error) {
        return switch (this) {
            case DEFAULT -> error.body();
            case OPTIMIZE -> Map.of("error", error.body().message());
            case TASKS -> {
                Map<String, Object> envelope = new LinkedHashMap<>();
                envelope.put("status", status(error));
                envelope.put("message", error.body().message());
                envelope.put("data", null);
                yield envelope;
            }
        };
    }
}
