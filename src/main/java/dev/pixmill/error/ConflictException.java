package dev.pixmill.error;

/** The resource exists but is not in a state that allows the request yet (409). */
public final class ConflictException extends PixmillException {

    public ConflictException(String code, String message) {
        super(code, message);
    }

    @Override
    public int status() {
        return 409;
    }
}
