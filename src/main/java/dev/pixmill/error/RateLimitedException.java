package dev.pixmill.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A caller is over one of its limits (429): {@code rate_limited} (requests per minute) or
 * {@code quota_exceeded} (conversions per day). Carries {@code Retry-After} and the limit headers
 * the refusal is answered with, in every dialect's shape.
 */
public final class RateLimitedException extends PixmillException {

    private final long retryAfterSeconds;
    private final Map<String, String> limitHeaders;

    public RateLimitedException(String code, String message, long retryAfterSeconds,
            Map<String, String> limitHeaders) {
        super(code, message);
        this.retryAfterSeconds = retryAfterSeconds;
        this.limitHeaders = Map.copyOf(limitHeaders);
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** {@code Retry-After} and the limit headers. */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>(limitHeaders);
        headers.put("Retry-After", String.valueOf(retryAfterSeconds));
        return headers;
    }

    @Override
    public int status() {
        return 429;
    }
}
