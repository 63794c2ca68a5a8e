package dev.pixmill.storage;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The result cache ({@code pixmill.cache.*}); README, Result cache. */
@ConfigMapping(prefix = "pixmill.cache")
public interface CacheConfig {

    /** Off: every conversion runs the engine, and nothing is added. */
    @WithDefault("true")
    boolean enabled();

    /** Bytes the entries may hold together; past it the least recently used go first. */
    @WithDefault("2G")
    MemorySize maxSize();

    /** How long an entry lives after it was made, however often it is used. */
    @WithDefault("24h")
    Duration ttl();

    /** How often expired and surplus entries are evicted (read by ResultCacheSweeper's schedule). */
    @WithDefault("1m")
    Duration sweepEvery();
}
