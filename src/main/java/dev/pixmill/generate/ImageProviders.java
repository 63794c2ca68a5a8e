package dev.pixmill.generate;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.Optional;
import java.util.TreeSet;

/** The providers by name, and the configured one. A configuration that cannot work stops the start-up. */
@ApplicationScoped
public class ImageProviders {

    @Inject
    @Any
    Instance<ImageProvider> providers;

    @Inject
    GenerateConfig config;

    void check(@Observes StartupEvent event) {
        current().checkConfiguration();
    }

    /** The provider new images are made by (pixmill.generate.provider). */
    public ImageProvider current() {
        return named(config.provider()).orElseThrow(() -> new IllegalStateException("pixmill.generate.provider="
                + config.provider() + " is not a provider; known: " + names()));
    }

    public Optional<ImageProvider> named(String name) {
        for (ImageProvider p : providers) {
            if (p.name().equalsIgnoreCase(name == null ? "" : name.strip())) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private TreeSet<String> names() {
        TreeSet<String> names = new TreeSet<>();
        providers.forEach(p -> names.add(p.name()));
        return names;
    }
}
