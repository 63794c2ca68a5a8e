package dev.pixmill.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.error.ServiceBusyException;
import dev.pixmill.jobs.ConversionQueue;
import dev.pixmill.jobs.WorkHandler;
import dev.pixmill.jobs.WorkOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Makes one generated image: a job of kind {@value #KIND} in the shared queue (claimed, leased,
 * recovered by any replica like a conversion), whose request is its params and whose result is its
 * output blob. It runs on slots of its own (a remote provider mostly waits); the provider's image
 * work runs on the engine pool. A provider failure ends the image with the provider's words.
 */
@ApplicationScoped
public class GenerationHandler implements WorkHandler {

    private static final Logger LOG = Logger.getLogger(GenerationHandler.class);

    public static final String KIND = "generate";
    /** The error code of an image its provider failed to make (the GET answers 502 for it, 500 for others). */
    public static final String PROVIDER_ERROR = "provider_error";

    @Inject
    ImageProviders providers;

    @Inject
    GenerateConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry registry;

    @Override
    public Set<String> kinds() {
        return Set.of(KIND);
    }

    @Override
    public int slots() {
        return Math.max(1, config.concurrency());
    }

    @Override
    public Uni<WorkOutcome> run(ConversionQueue.Claimed job) {
        GenerationParams image;
        try {
            image = json.readValue(job.params(), GenerationParams.class);
        } catch (IOException | IllegalArgumentException e) {
            LOG.errorf("generated image %s has an unreadable request; failing it: %s", job.id(), e.getMessage());
            return Uni.createFrom().item(WorkOutcome.failed("generation_failed", "the image's stored request is unreadable"));
        }
        ImageProvider provider = providers.named(image.provider()).orElse(null);
        if (provider == null) {
            return Uni.createFrom().item(WorkOutcome.failed("provider_unavailable",
                    "the image provider '" + image.provider() + "' is not available on this server"));
        }
        Duration deadline = config.deadline();
        return Uni.createFrom().deferred(() -> provider.generate(image))
                .ifNoItem().after(deadline).failWith(() -> new ProviderFailure(
                        "the image was not made within " + deadline.toSeconds() + " s"))
                .map(result -> (WorkOutcome) new WorkOutcome.Completed(result, 0))
                .onFailure(ProviderFailure.class)
                .recoverWithItem(e -> WorkOutcome.failed(PROVIDER_ERROR, e.getMessage()))
                .onFailure(e -> !(e instanceof ServiceBusyException)).recoverWithItem(e -> {
                    LOG.errorf(e, "generated image %s failed unexpectedly", job.id());
                    return WorkOutcome.failed("generation_failed", "the image could not be generated (internal error)");
                });
    }

    @Override
    public void recorded(ConversionQueue.Claimed job, WorkOutcome outcome, boolean stored, long nanos) {
        String result = outcome instanceof WorkOutcome.Failed failed ? failed.code() : "completed";
        String provider = providerOf(job);
        registry.counter("pixmill.generated.images", "provider", provider, "outcome", result).increment();
        if (outcome instanceof WorkOutcome.Completed && stored) {
            Timer.builder("pixmill.generation.duration").tag("provider", provider).publishPercentileHistogram()
                    .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private String providerOf(ConversionQueue.Claimed job) {
        try {
            String name = json.readTree(job.params()).path("provider").asText("unknown");
            return providers.named(name).map(ImageProvider::name).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
