package dev.pixmill.error;

/** The caller is known but may not do this (403). */
public final class ForbiddenException extends PixmillException {

    public ForbiddenException(String code, String message) {
        super(code, message);
    }

    public ForbiddenException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public int status() {
        return 403;
    }
}
