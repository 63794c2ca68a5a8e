package dev.pixmill.error;

/** The input claims a known format but cannot be decoded: truncated, corrupt, or refused content (422). */
public final class InvalidImageException extends PixmillException {

    public InvalidImageException(String code, String message) {
        super(code, message);
    }

    public InvalidImageException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public int status() {
        return 422;
    }
}
