package dev.pixmill.security;

import java.util.UUID;

/**
 * Who is calling: a key holder or an anonymous client (known by its address). {@link #owner()}
 * is what conversions are owned by; nobody reads another owner's conversions.
 */
public record Caller(String owner, UUID keyId, String plan) {

    public static Caller anonymous(String clientAddress) {
        return new Caller("anon:" + clientAddress, null, "anonymous");
    }

    public static Caller of(ApiKey key) {
        return new Caller("key:" + key.id, key.id, key.plan);
    }
}
