package dev.pixmill.webhooks;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * How webhook deliveries are sent and retried ({@code pixmill.webhooks.*}). The defaults give 8
 * tries over about an hour (README, Webhooks); the address rules are those of URL fetching
 * ({@code pixmill.fetch.allow-private}, {@code allow-list}).
 */
@ConfigMapping(prefix = "pixmill.webhooks")
public interface WebhookConfig {

    /** false: this replica queues deliveries (the triggers do) but sends none. */
    @WithDefault("true")
    boolean senderEnabled();

    /** Whole time for one try: connection, request and the answer's first bytes. */
    @WithDefault("10S")
    Duration timeout();

    /** Tries in all, the first one included; then the delivery is failed. */
    @WithDefault("8")
    int maxAttempts();

    /** Wait after the first failed try; each later wait doubles, up to {@link #backoffMax()}. */
    @WithDefault("30S")
    Duration backoffBase();

    @WithDefault("30M")
    Duration backoffMax();

    /** Each wait is shortened or lengthened by a random part of at most this fraction. */
    @WithDefault("0.2")
    double jitter();

    /**
     * Fallback look for due deliveries (new ones arrive by NOTIFY, retries by a local timer): it
     * sends what a restart or a dead replica left behind, and fails tries whose sender vanished.
     */
    @WithDefault("15S")
    Duration pollInterval();

    /** How long a claimed delivery is this replica's; at least three times the timeout is used. */
    @WithDefault("1M")
    Duration lease();

    /** Deliveries in flight at once on this replica. */
    @WithDefault("16")
    int concurrency();

    /** http:// targets (not only https://); for tests and closed networks. */
    @WithDefault("false")
    boolean allowHttp();

    /** Bytes of the receiver's answer read at most; of them, at most 256 characters are kept. */
    @WithDefault("4096")
    int maxResponseBytes();

    /** How long ended deliveries stay listed before they are deleted. */
    @WithDefault("7D")
    Duration retention();
}
