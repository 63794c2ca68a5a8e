package dev.pixmill.error;

/** Unknown, expired or foreign resource (404); never says which, so ids cannot be probed. */
public final class NotFoundException extends PixmillException {

    public NotFoundException(String code, String message) {
        super(code, message);
    }

    public NotFoundException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public int status() {
        return 404;
    }
}
