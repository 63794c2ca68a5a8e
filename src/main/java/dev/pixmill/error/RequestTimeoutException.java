package dev.pixmill.error;

/** A request did not start its answer within the request deadline (503); the client may retry. */
public final class RequestTimeoutException extends PixmillException {

    public RequestTimeoutException(String message) {
        super("request_timeout", message);
    }

    @Override
    public int status() {
        return 503;
    }
}
