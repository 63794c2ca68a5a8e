package dev.pixmill.security;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ApiKeyRepository implements PanacheRepositoryBase<ApiKey, UUID> {

    public Uni<ApiKey> findActiveByHash(String hash) {
        return find("keyHash = ?1 and revokedAt is null", hash).firstResult();
    }

    public Uni<List<ApiKey>> listAll() {
        return findAll(Sort.by("createdAt")).list();
    }
}
