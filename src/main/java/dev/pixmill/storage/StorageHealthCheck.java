package dev.pixmill.storage;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Ready when the object store can be used: its directory is writable, or its bucket answers
 * (a wrong bucket, endpoint or credentials make it fail), within a few seconds.
 */
@Readiness
@ApplicationScoped
public class StorageHealthCheck implements io.smallrye.health.api.AsyncHealthCheck {

    @Inject
    ObjectStore objects;

    @Override
    public Uni<HealthCheckResponse> call() {
        return objects.ready()
                .ifNoItem().after(Duration.ofSeconds(5)).fail()
                .map(v -> HealthCheckResponse.named("blob-store").up().withData("store", objects.describe()).build())
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("blob-store").down()
                        .withData("store", objects.describe()).withData("error", String.valueOf(e.getMessage())).build());
    }
}
