package dev.pixmill.error;

/** Missing or invalid API key or operator token (401). */
public final class UnauthorizedException extends PixmillException {

    public UnauthorizedException(String code, String message) {
        super(code, message);
    }

    public UnauthorizedException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public int status() {
        return 401;
    }
}
