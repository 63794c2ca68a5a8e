package dev.pixmill.generate;

import dev.pixmill.jobs.Conversion;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** Reads of generated images (rows of kind {@value GenerationHandler#KIND}); expired ones count as gone. */
@ApplicationScoped
public class GeneratedImages {

    @WithSession
    public Uni<Conversion> byImageId(String imageId) {
        return Conversion.<Conversion>find("downloadToken = ?1 and kind = ?2"
                + " and (expiresAt is null or expiresAt > current_timestamp)", imageId, GenerationHandler.KIND)
                .firstResult();
    }

    @WithSession
    public Uni<Conversion> byId(UUID id) {
        return Conversion.<Conversion>find("id = ?1 and kind = ?2"
                + " and (expiresAt is null or expiresAt > current_timestamp)", id, GenerationHandler.KIND)
                .firstResult();
    }
}
