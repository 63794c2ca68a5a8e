package dev.pixmill.webhooks;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The default schedule keeps the contract: at least 5 tries spread over at least 10 minutes, jitter or not. */
class RetryPolicyTest {

    private static final RetryPolicy DEFAULTS = new RetryPolicy(Duration.ofSeconds(30), Duration.ofMinutes(30), 0.2, 8);

    @Test
    void defaultScheduleDoublesUpToItsCap() {
        assertThat(DEFAULTS.schedule()).containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(1),
                Duration.ofMinutes(2), Duration.ofMinutes(4), Duration.ofMinutes(8), Duration.ofMinutes(16),
                Duration.ofMinutes(30));
        assertThat(DEFAULTS.maxAttempts()).isGreaterThanOrEqualTo(5);
        assertThat(DEFAULTS.minimumSpread()).isGreaterThan(Duration.ofMinutes(10));
        assertThat(DEFAULTS.minimumSpread()).isEqualTo(Duration.ofMillis((long) (3690_000 * 0.8)));
    }

    @Test
    void jitterStaysWithinItsBounds() {
        for (int attempt = 1; attempt < 8; attempt++) {
            long nominal = DEFAULTS.nominalDelay(attempt).toMillis();
            assertThat(DEFAULTS.delay(attempt, () -> 0.0).toMillis()).isEqualTo(Math.round(nominal * 0.8));
            assertThat(DEFAULTS.delay(attempt, () -> 0.999999).toMillis()).isLessThanOrEqualTo(Math.round(nominal * 1.2));
            assertThat(DEFAULTS.delay(attempt, () -> 0.5).toMillis()).isEqualTo(nominal);
        }
    }

    @Test
    void theConfiguredDefaultsAreThoseTested() {
        // WebhookConfig's @WithDefault values, read back from the annotations
        List<String> names = List.of("backoffBase", "backoffMax", "jitter", "maxAttempts");
        List<String> values = names.stream().map(name -> {
            try {
                return WebhookConfig.class.getMethod(name).getAnnotation(io.smallrye.config.WithDefault.class).value();
            } catch (NoSuchMethodException e) {
                throw new AssertionError(e);
            }
        }).toList();
        assertThat(values).containsExactly("30S", "30M", "0.2", "8");
    }
}
