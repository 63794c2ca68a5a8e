package dev.pixmill.engine;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when libvips is loaded and a tiny in-memory encode works. */
@Readiness
@ApplicationScoped
public class EngineHealthCheck implements HealthCheck {

    private final ImageEngine engine;
    private final EngineExecutor executor;

    @Inject
    public EngineHealthCheck(ImageEngine engine, EngineExecutor executor) {
        this.engine = engine;
        this.executor = executor;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("image-engine");
        try {
            b.withData("libvips", engine.vipsVersion());
            b.withData("workers", executor.workers());
            b.withData("queue", executor.queueDepth());
            return b.status(engine.selfTest()).build();
        } catch (RuntimeException | LinkageError e) {
            return b.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
