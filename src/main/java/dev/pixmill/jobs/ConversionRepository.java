package dev.pixmill.jobs;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Reads of conversions. Expired rows count as gone even before the purger deletes them; active
 * ones (no expiry yet) are always visible to their owner.
 */
@ApplicationScoped
public class ConversionRepository implements PanacheRepositoryBase<Conversion, UUID> {

    @WithSession
    public Uni<Conversion> findOwned(UUID id, String owner) {
        return find("id = ?1 and owner = ?2 and (expiresAt is null or expiresAt > current_timestamp)", id, owner)
                .firstResult();
    }

    @WithSession
    public Uni<Conversion> findDownloadable(String token) {
        return find("downloadToken = ?1 and status = ?2 and expiresAt > current_timestamp", token,
                ConversionStatus.COMPLETED).firstResult();
    }
}
