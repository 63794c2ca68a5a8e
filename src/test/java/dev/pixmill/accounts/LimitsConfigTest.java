package dev.pixmill.accounts;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The plans' defaults when nothing is configured: the contract's numbers, and professional's own. */
class LimitsConfigTest {

    @Test
    void theDefaultsAreTheContracts() {
        LimitsConfig config = new SmallRyeConfigBuilder().withMapping(LimitsConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter()).build()
                .getConfigMapping(LimitsConfig.class);
        assertThat(config.enabled()).isTrue();
        assertThat(config.requestWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.anonymous().requestsPerMinute()).isEqualTo(10);
        assertThat(config.anonymous().conversionsPerDay()).isEqualTo(50);
        assertThat(config.free().requestsPerMinute()).isEqualTo(30);
        assertThat(config.free().conversionsPerDay()).isEqualTo(500);
        assertThat(config.professional().requestsPerMinute()).isEqualTo(300);
        assertThat(config.professional().conversionsPerDay()).isEqualTo(20_000);
    }
}
