package dev.pixmill.cli;

import dev.pixmill.convert.ConvertConfig;
import dev.pixmill.engine.EngineConfig;
import dev.pixmill.engine.EngineMemory;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageLimits;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;

/**
 * The configuration the file commands share with the service, read without booting Quarkus:
 * {@code application.properties} of the program, overridden by system properties and
 * {@code PIXMILL_*} variables, through the same {@code @ConfigMapping}s ({@link EngineConfig},
 * {@link ConvertConfig}) and their defaults. So {@code PIXMILL_ENGINE_MEMORY_BUDGET},
 * {@code PIXMILL_ENGINE_LIMITS_MAX_BYTES} or {@code PIXMILL_CONVERT_DEFAULT_QUALITY} mean the same
 * for {@code pixmill convert} as for the server.
 */
record FileSettings(EngineConfig engine, ConvertConfig convert) {

    static FileSettings load() {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().addDefaultSources().addDiscoveredConverters()
                .withProfile(System.getProperty("quarkus.profile", System.getenv().getOrDefault("QUARKUS_PROFILE", "prod")))
                .withMapping(EngineConfig.class).withMapping(ConvertConfig.class);
        URL properties = FileSettings.class.getClassLoader().getResource("application.properties");
        if (properties != null) {
            try {
                builder.withSources(new PropertiesConfigSource(properties, 250)); // Quarkus' ordinal for it
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // not registered as the global configuration: a run inside another program (tests) leaves it alone
        SmallRyeConfig config = builder.build();
        return new FileSettings(config.getConfigMapping(EngineConfig.class), config.getConfigMapping(ConvertConfig.class));
    }

    ImageLimits limits() {
        return engine.limits().toImageLimits();
    }

    Duration timeout() {
        return engine.timeout();
    }

    ImageEngine newEngine() {
        return new ImageEngine(engine.vector().toSettings(), new EngineMemory(engine.memoryBudget().asLongValue()));
    }
}
