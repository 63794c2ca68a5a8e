package dev.pixmill.convert;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Defaults of the conversion API. Its limits are the default ones, {@code pixmill.engine.limits}. */
@ConfigMapping(prefix = "pixmill.convert")
public interface ConvertConfig {

    @WithDefault("jpg")
    String defaultFormat();

    @WithDefault("85")
    int defaultQuality();

    /** Most files (or URLs) one batch may hold. */
    @WithDefault("50")
    int maxBatchFiles();

    /** URLs of one batch fetched at the same time. */
    @WithDefault("4")
    int batchFetchConcurrency();
}
