package dev.pixmill.error;

/** A size limit (bytes, pixels, megapixels) was exceeded (413); the message names the limit. */
public final class PayloadTooLargeException extends PixmillException {

    public PayloadTooLargeException(String code, String message) {
        super(code, message);
    }

    public PayloadTooLargeException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public int status() {
        return 413;
    }
}
