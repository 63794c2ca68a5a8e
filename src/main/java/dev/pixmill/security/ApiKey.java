package dev.pixmill.security;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * An API key. Only its SHA-256 is stored; the key itself is shown once, at creation. Its webhook
 * secret is stored as it is (it is the HMAC key that signs deliveries) and shown once too.
 */
@Entity
@Table(name = "api_keys")
public class ApiKey extends PanacheEntityBase {

    @Id
    public UUID id;
    public String name;
    public String prefix;
    @Column(name = "key_hash")
    public String keyHash;
    public String plan;
    /** Per-key limit overrides as JSON; interpreted by the features that have limits. */
    public String limits;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "last_used_at")
    public Instant lastUsedAt;
    @Column(name = "revoked_at")
    public Instant revokedAt;
    /** {@code whsec_...}; null for keys created before webhooks, until rotated. */
    @Column(name = "webhook_secret")
    public String webhookSecret;
}
