package dev.pixmill.engine;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code pixmill.engine.*}: worker pool and default convert limits. */
@ConfigMapping(prefix = "pixmill.engine")
public interface EngineConfig {

    /** Worker threads; 0 = one per available processor. */
    @WithDefault("0")
    int workers();

    /** Jobs that may wait for a worker; beyond that callers get 503. */
    @WithDefault("64")
    int queueSize();

    /** Deadline of one conversion. */
    @WithDefault("60s")
    Duration timeout();

    /** Retry-After given when the queue is full. */
    @WithDefault("2")
    int busyRetryAfterSeconds();

    Limits limits();

    /**
     * Native memory all conversions together may hold, by their estimate from the header; a
     * conversion that needs more than this alone is refused with 413.
     */
    @WithDefault("192M")
    io.quarkus.runtime.configuration.MemorySize memoryBudget();

    /** glibc allocator settings, applied by {@link dev.pixmill.engine.vips.Allocator} when libvips loads. */
    Allocator allocator();

    interface Allocator {
        /** false leaves glibc's defaults (for measuring against them). */
        @WithDefault("true")
        boolean tune();

        /** Bytes from which an allocation is its own mapping, returned to the kernel when freed. */
        @WithDefault("262144")
        int mmapThreshold();
    }

    /** SVG and PDF are rendered in a bounded child process ({@link VectorRenderer}). */
    Vector vector();

    interface Vector {
        /** The libvips command-line tool (Debian: libvips-tools). */
        @WithDefault("vips")
        String command();

        /** Longest one render may take, within the conversion's own deadline. */
        @WithDefault("20s")
        Duration timeout();

        /**
         * Data a render may allocate; past it the render fails with 413. Its expected use (about
         * 40 MB plus canvas-sized surfaces, at most this) is reserved from the engine's budget
         * while it runs. A blur over a 2000x2000 canvas needs about 145 MB.
         */
        @WithDefault("160M")
        io.quarkus.runtime.configuration.MemorySize maxMemory();

        /** Largest PNG a render may write. */
        @WithDefault("512M")
        io.quarkus.runtime.configuration.MemorySize maxOutput();

        default VectorRenderer.Settings toSettings() {
            return new VectorRenderer.Settings(command(), timeout(), maxMemory().asLongValue(),
                    maxOutput().asLongValue());
        }
    }

    interface Limits {
        @WithDefault("20971520")
        long maxBytes();

        @WithDefault("8000")
        int maxWidth();

        @WithDefault("8000")
        int maxHeight();

        @WithDefault("64")
        long maxMegapixels();

        /** Whether SVG inputs are checked by their declared size (else by the size they are rendered at). */
        @WithDefault("true")
        boolean checkVectorDimensions();

        default ImageLimits toImageLimits() {
            return new ImageLimits(maxBytes(), maxWidth(), maxHeight(), maxMegapixels(), checkVectorDimensions());
        }
    }
}
