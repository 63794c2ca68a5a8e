package dev.pixmill.optimize;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code pixmill.optimize.*}: the optimize dialect's limits (a key's {@code limits} may raise them). */
@ConfigMapping(prefix = "pixmill.optimize")
public interface OptimizeConfig {

    /** Upload limit. */
    @WithDefault("2M")
    MemorySize maxBytes();

    /** Pixel limits of raster inputs; SVG is rendered at its target size and exempt. */
    @WithDefault("2000")
    int maxWidth();

    @WithDefault("2000")
    int maxHeight();

    /** How long a {@code response=json} result waits for its single download. */
    @WithDefault("10M")
    Duration retention();

    /**
     * Processing deadline of one request; below the request deadline (60 s), so a slow image
     * gets this dialect's own error rather than the generic time-out.
     */
    @WithDefault("45S")
    Duration timeout();
}
