package dev.pixmill.tasks;

import dev.pixmill.engine.ImageLimits;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code pixmill.tasks.*}: the compression-task dialect. */
@ConfigMapping(prefix = "pixmill.tasks")
public interface TasksConfig {

    /**
     * How long a {@code sync=1} request waits for its task to end before it answers the state the
     * task is in (queued or processing); under the request deadline ({@code pixmill.http.request-timeout}).
     */
    @WithDefault("50s")
    Duration syncWait();

    Limits limits();

    /** The contract's input limits: 20 MB and 8000x8000. */
    interface Limits {
        @WithDefault("20M")
        MemorySize maxBytes();

        @WithDefault("8000")
        int maxWidth();

        @WithDefault("8000")
        int maxHeight();

        @WithDefault("64")
        long maxMegapixels();

        default ImageLimits toImageLimits() {
            return new ImageLimits(maxBytes().asLongValue(), maxWidth(), maxHeight(), maxMegapixels(), true);
        }
    }
}
