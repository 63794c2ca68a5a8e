package dev.pixmill.error;

/** A request parameter or body is malformed or not allowed (400). */
public final class BadRequestException extends PixmillException {

    public BadRequestException(String code, String message) {
        super(code, message);
    }

    public BadRequestException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public int status() {
        return 400;
    }
}
