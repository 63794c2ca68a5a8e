package dev.pixmill.security;

import java.util.UUID;

/**
 * Who is calling: a key holder or an anonymous client (known by its address). {@link #owner()}
 * is what conversions are owned by; nobody reads another owner's conversions.
 */
public record Caller(String owner, UUID keyId, String plan, KeyLimits limits) {

    public static Caller anonymous(String clientAddress) {
        return new Caller("anon:" + clientAddress, null, "anonymous", KeyLimits.NONE);
    }

    public static Caller of(ApiKey key) {
        return new Caller("key:" + key.id, key.id, key.plan, KeyLimits.parseStored(key.limits));
    }

    public boolean anonymous() {
        return keyId == null;
    }
}
