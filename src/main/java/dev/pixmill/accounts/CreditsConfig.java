package dev.pixmill.accounts;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Credits ({@code pixmill.credits.*}): what a new key starts with, by plan. */
@ConfigMapping(prefix = "pixmill.credits")
public interface CreditsConfig {

    /** Credits of a key created without {@code credits}, by its plan. */
    Initial initial();

    interface Initial {

        /** 100 imgcompress tasks up to 4096 px, or 100 standard generated images. */
        @WithDefault("100")
        long free();

        @WithDefault("1000")
        long professional();
    }
}
