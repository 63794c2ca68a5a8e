package dev.pixmill.error;

/**
 * The one error hierarchy of Pixmill. Each subclass carries its HTTP status and a stable error
 * code; the message is public (it goes to the client), so it must never hold internal details.
 * {@link dev.pixmill.web.ErrorMapper} turns every one of them into a JSON response.
 */
public abstract sealed class PixmillException extends RuntimeException
        permits BadRequestException, UnauthorizedException, ForbiddenException, NotFoundException,
        PayloadTooLargeException, UnsupportedFormatException, InvalidImageException,
        ServiceBusyException, ProcessingException, RequestTimeoutException, ConflictException,
        RateLimitedException, InsufficientCreditsException {

    private final String code;

    protected PixmillException(String code, String message) {
        super(message);
        this.code = code;
    }

    protected PixmillException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** Stable machine-readable code, e.g. {@code file_too_large}. */
    public String code() {
        return code;
    }

    public abstract int status();
}
