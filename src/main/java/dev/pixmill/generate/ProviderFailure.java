package dev.pixmill.generate;

import java.time.Duration;

/**
 * The provider failed to make an image; the message is public (the image's error says it), so it
 * holds the provider's words and never a key or an internal detail.
 */
class ProviderFailure extends RuntimeException {

    ProviderFailure(String message) {
        super(message, null, false, false);
    }

    /** A failure worth another try (429, 5xx, a time-out, a lost connection); {@code retryAfter} as the provider asked, or null. */
    static final class Retryable extends ProviderFailure {
        private final Duration retryAfter;

        Retryable(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }

        Duration retryAfter() {
            return retryAfter;
        }
    }
}
