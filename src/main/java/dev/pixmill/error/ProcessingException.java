package dev.pixmill.error;

/** The conversion failed for a reason that is not the caller's input (500). */
public final class ProcessingException extends PixmillException {

    public ProcessingException(String code, String message) {
        super(code, message);
    }

    public ProcessingException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public int status() {
        return 500;
    }
}
