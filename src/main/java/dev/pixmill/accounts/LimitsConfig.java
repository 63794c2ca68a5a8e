package dev.pixmill.accounts;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * The plans' limits ({@code pixmill.limits.*}): work-creating requests per minute and conversions
 * (images) per UTC day, for anonymous callers (by client address) and each key plan. A key's
 * {@code limits} (admin API) may replace either number for that key.
 */
@ConfigMapping(prefix = "pixmill.limits")
public interface LimitsConfig {

    /** false: nothing is counted or refused, and no limit headers are sent (e.g. behind a gateway that limits). */
    @WithDefault("true")
    boolean enabled();

    /**
     * Length of the request window that {@code requests-per-minute} counts. A minute; shorter
     * only so that tests can see a window end.
     */
    @WithDefault("60S")
    Duration requestWindow();

    /** How often past days' counters are deleted. */
    @WithDefault("1H")
    Duration sweepEvery();

    Anonymous anonymous();

    Free free();

    Professional professional();

    /** What a plan allows. */
    interface Plan {
        int requestsPerMinute();

        int conversionsPerDay();
    }

    /** Callers without a key, each client address on its own (the contract's defaults). */
    interface Anonymous extends Plan {
        @Override
        @WithDefault("10")
        int requestsPerMinute();

        @Override
        @WithDefault("50")
        int conversionsPerDay();
    }

    /** Keys of the free plan (the contract's defaults). */
    interface Free extends Plan {
        @Override
        @WithDefault("30")
        int requestsPerMinute();

        @Override
        @WithDefault("500")
        int conversionsPerDay();
    }

    /** Keys of the professional plan: ten times the free requests, forty times its conversions. */
    interface Professional extends Plan {
        @Override
        @WithDefault("300")
        int requestsPerMinute();

        @Override
        @WithDefault("20000")
        int conversionsPerDay();
    }
}
