package dev.pixmill.webhooks;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * Webhooks to the test's receiver on loopback over http, with short times: a 1 s timeout, backoff
 * from 300 ms doubling, 4 tries. No fallback tick (1 h), so new deliveries can only arrive by
 * NOTIFY and retries by the sender's own timer; tests run the tick themselves.
 */
public class WebhookTestProfile implements QuarkusTestProfile {

    static final long BACKOFF_BASE_MS = 300;
    static final double JITTER = 0.25;
    static final int MAX_ATTEMPTS = 4;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("pixmill.webhooks.allow-http", "true",
                "pixmill.webhooks.timeout", "1s",
                "pixmill.webhooks.lease", "3s",
                "pixmill.webhooks.backoff-base", BACKOFF_BASE_MS + "ms",
                "pixmill.webhooks.backoff-max", "5s",
                "pixmill.webhooks.jitter", String.valueOf(JITTER),
                "pixmill.webhooks.max-attempts", String.valueOf(MAX_ATTEMPTS),
                "pixmill.webhooks.poll-interval", "1h");
    }
}
