package dev.pixmill.error;

/** The input is not an image format Pixmill reads, judged by its magic bytes (415). */
public final class UnsupportedFormatException extends PixmillException {

    public UnsupportedFormatException(String code, String message) {
        super(code, message);
    }

    public UnsupportedFormatException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public int status() {
        return 415;
    }
}
