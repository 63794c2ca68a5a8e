package dev.pixmill.engine.vips;

/**
 * A libvips call failed. The message holds libvips' own error text: internal, for logs only,
 * never for clients (the engine maps it to a {@link dev.pixmill.error.PixmillException}).
 */
public final class VipsException extends RuntimeException {

    private final String operation;

    public VipsException(String operation, String vipsMessage) {
        super(operation + ": " + vipsMessage);
        this.operation = operation;
    }

    /** The binding method that failed, e.g. {@code thumbnail_buffer}, {@code write_to_buffer}. */
    public String operation() {
        return operation;
    }

    /** Whether libvips blamed an encoder (saver) rather than the input. */
    public boolean isSaveError() {
        String m = getMessage();
        return m != null && m.contains("save") && !m.contains("load");
    }
}
