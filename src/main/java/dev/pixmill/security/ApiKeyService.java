package dev.pixmill.security;

import dev.pixmill.error.BadRequestException;
import dev.pixmill.error.ConflictException;
import dev.pixmill.error.NotFoundException;
import dev.pixmill.error.UnauthorizedException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Creates, lists and revokes API keys, and tells who a request comes from. */
@ApplicationScoped
public class ApiKeyService {

    public static final String KEY_PREFIX = "kp_";
    private static final Pattern KEY_SHAPE = Pattern.compile("kp_[0-9A-Za-z]{32}");
    private static final Set<String> PLANS = Set.of("free", "professional");

    /**
     * A new key; {@code key} (and the entity's webhook secret) is the only time the secret exists
     * outside the caller.
     */
    public record CreatedKey(ApiKey entity, String key) {
    }

    @Inject
    ApiKeyRepository keys;

    @WithTransaction
    public Uni<CreatedKey> create(String name, String plan, String limitsJson) {
        String p = plan == null || plan.isBlank() ? "free" : plan;
        if (!PLANS.contains(p)) {
            throw new BadRequestException("invalid_parameter", "plan must be one of " + PLANS);
        }
        String secret = KEY_PREFIX + Tokens.base62(32);
        ApiKey key = new ApiKey();
        key.id = UUID.randomUUID();
        key.name = name == null || name.isBlank() ? "unnamed" : name.strip();
        key.prefix = secret.substring(0, 7);
        key.keyHash = Tokens.sha256(secret);
        key.plan = p;
        key.limits = limitsJson == null ? "{}" : limitsJson;
        key.createdAt = Instant.now();
        key.webhookSecret = Tokens.webhookSecret();
        return keys.persist(key).replaceWith(new CreatedKey(key, secret));
    }

    /**
     * Gives an active key a new webhook secret and answers it (the only time it is shown). From
     * now on every delivery of the key, retries of earlier events included, is signed with it.
     */
    @WithTransaction
    public Uni<String> rotateWebhookSecret(UUID id) {
        String secret = Tokens.webhookSecret();
        return keys.update("webhookSecret = ?1 where id = ?2 and revokedAt is null", secret, id)
                .map(updated -> {
                    if (updated == 0) {
                        throw new NotFoundException("not_found", "no active key " + id);
                    }
                    return secret;
                });
    }

    @WithSession
    public Uni<List<ApiKey>> list() {
        return keys.listAll();
    }

    /** A key, active or revoked; 404 when there is none. */
    @WithSession
    public Uni<ApiKey> find(UUID id) {
        return keys.findById(id).onItem().ifNull().failWith(() -> new NotFoundException("not_found", "no key " + id));
    }

    /**
     * Changes an active key's name, plan or limits (stored JSON, validated by the caller); each only
     * when not null. One UPDATE of those columns, so a concurrent rotation or revocation is not
     * overwritten. 404 for an unknown key, 409 {@code key_revoked} for a revoked one.
     */
    @WithTransaction
    public Uni<ApiKey> update(UUID id, String name, String plan, String limitsJson) {
        if (plan != null && !PLANS.contains(plan)) {
            throw new BadRequestException("invalid_parameter", "plan must be one of " + PLANS);
        }
        List<String> set = new java.util.ArrayList<>();
        List<Object> values = new java.util.ArrayList<>();
        if (name != null) {
            values.add(name.isBlank() ? "unnamed" : name.strip());
            set.add("name = ?" + values.size());
        }
        if (plan != null) {
            values.add(plan);
            set.add("plan = ?" + values.size());
        }
        if (limitsJson != null) {
            values.add(limitsJson);
            set.add("limits = ?" + values.size());
        }
        if (set.isEmpty()) {
            return keys.findById(id).onItem().ifNull().failWith(() -> new NotFoundException("not_found", "no key " + id));
        }
        values.add(id);
        return keys.update(String.join(", ", set) + " where id = ?" + values.size() + " and revokedAt is null",
                        values.toArray())
                .chain(updated -> keys.findById(id).map(key -> {
                    if (key == null) {
                        throw new NotFoundException("not_found", "no key " + id);
                    }
                    if (updated == 0) {
                        throw new ConflictException("key_revoked", "key " + id + " is revoked; it cannot change");
                    }
                    return key;
                }));
    }

    @WithTransaction
    public Uni<ApiKey> revoke(UUID id) {
        return keys.findById(id)
                .onItem().ifNull().failWith(() -> new NotFoundException("not_found", "no key " + id))
                .invoke(key -> {
                    if (key.revokedAt == null) {
                        key.revokedAt = Instant.now();
                    }
                });
    }

    /**
     * The caller of a request. No key means anonymous; a key that is given but malformed,
     * unknown or revoked is refused (401) rather than silently treated as anonymous.
     */
    @WithSession
    public Uni<Caller> identify(HttpServerRequest request, Set<KeySource> sources) {
        return identifyPresented(request, presentedKey(request, sources));
    }

    /**
     * As {@link #identify(HttpServerRequest)}, with a key sent as a form field ({@code api_key})
     * taken when no header or query parameter carries one.
     */
    @WithSession
    public Uni<Caller> identify(HttpServerRequest request, String formKey) {
        String presented = presentedKey(request, EnumSet.allOf(KeySource.class));
        return identifyPresented(request, presented != null ? presented
                : formKey == null || formKey.isBlank() ? null : formKey.strip());
    }

    private Uni<Caller> identifyPresented(HttpServerRequest request, String presented) {
        if (presented == null) {
            return Uni.createFrom().item(Caller.anonymous(clientAddress(request)));
        }
        if (!KEY_SHAPE.matcher(presented).matches()) {
            return Uni.createFrom().failure(invalidKey());
        }
        return keys.findActiveByHash(Tokens.sha256(presented))
                .onItem().ifNull().failWith(ApiKeyService::invalidKey)
                .map(Caller::of);
    }

    public Uni<Caller> identify(HttpServerRequest request) {
        return identify(request, EnumSet.allOf(KeySource.class));
    }

    static String presentedKey(HttpServerRequest request, Set<KeySource> sources) {
        if (sources.contains(KeySource.BEARER)) {
            String auth = request.getHeader("Authorization");
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return auth.substring(7).strip();
            }
        }
        if (sources.contains(KeySource.X_API_KEY_HEADER)) {
            String header = request.getHeader("X-API-Key"); // header names are case-insensitive
            if (header != null && !header.isBlank()) {
                return header.strip();
            }
        }
        if (sources.contains(KeySource.QUERY_PARAMETER)) {
            String query = request.getParam("api_key");
            if (query != null && !query.isBlank()) {
                return query.strip();
            }
        }
        return null;
    }

    private static String clientAddress(HttpServerRequest request) {
        // remoteAddress() honours X-Forwarded-For only when proxy forwarding is configured
        var address = request.remoteAddress();
        return address == null ? "unknown" : address.hostAddress();
    }

    private static UnauthorizedException invalidKey() {
        return new UnauthorizedException("invalid_api_key", "the API key is invalid or has been revoked");
    }
}
