package dev.pixmill.error;

/** Capacity is exhausted (worker queue or backlog full); the client should retry later (503). */
public final class ServiceBusyException extends PixmillException {

    private final int retryAfterSeconds;

    public ServiceBusyException(String message, int retryAfterSeconds) {
        super("service_busy", message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    @Override
    public int status() {
        return 503;
    }
}
