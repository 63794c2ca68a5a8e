package dev.pixmill.webhooks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * When a failed delivery is tried again: exponential backoff with bounded jitter. After failed
 * try {@code n} (1-based) the wait is {@code min(base * 2^(n-1), max)}, shortened or lengthened
 * by a random part of at most {@code jitter} of it, so that receivers that come back are not hit
 * by every waiting delivery at the same instant, and the whole schedule has a known minimum.
 */
public record RetryPolicy(Duration base, Duration max, double jitter, int maxAttempts) {

    public RetryPolicy {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0 || jitter < 0 || jitter >= 1
                || maxAttempts < 1) {
            throw new IllegalArgumentException("pixmill.webhooks: backoff-base > 0, backoff-max >= backoff-base, "
                    + "0 <= jitter < 1 and max-attempts >= 1 are required");
        }
    }

    public static RetryPolicy of(WebhookConfig config) {
        return new RetryPolicy(config.backoffBase(), config.backoffMax(), config.jitter(), config.maxAttempts());
    }

    /** The wait before the try after failed try {@code attempt}, without jitter. */
    public Duration nominalDelay(int attempt) {
        int doublings = Math.max(0, Math.min(attempt - 1, 40));
        double millis = base.toMillis() * Math.pow(2, doublings);
        return Duration.ofMillis((long) Math.min(millis, max.toMillis()));
    }

    /** As {@link #nominalDelay}, jittered; {@code random} gives numbers in [0, 1). */
    public Duration delay(int attempt, DoubleSupplier random) {
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        return Duration.ofMillis(Math.round(nominalDelay(attempt).toMillis() * factor));
    }

    /** The nominal waits between the tries, in order. */
    public List<Duration> schedule() {
        List<Duration> waits = new ArrayList<>();
        for (int attempt = 1; attempt < maxAttempts; attempt++) {
            waits.add(nominalDelay(attempt));
        }
        return waits;
    }

    /** The least time from the first try to the last one, whatever the jitter draws. */
    public Duration minimumSpread() {
        long millis = schedule().stream().mapToLong(Duration::toMillis).sum();
        return Duration.ofMillis((long) Math.floor(millis * (1 - jitter)));
    }
}
