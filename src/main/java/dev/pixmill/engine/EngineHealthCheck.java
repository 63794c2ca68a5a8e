package dev.pixmill.engine;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when libvips is loaded and a tiny in-memory encode works; reports the memory budget and
 * whether the SVG/PDF renderer command is there.
 */
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
            b.withData("memory_budget_mb", engine.memory().budgetBytes() >> 20);
            b.withData("memory_free_mb", engine.memory().availableBytes() >> 20);
            // without it SVG and PDF inputs fail; every other format still converts
            b.withData("vector_renderer", engine.vector().available() ? "available" : "missing");
            return b.status(engine.selfTest()).build();
        } catch (RuntimeException | LinkageError e) {
            return b.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
