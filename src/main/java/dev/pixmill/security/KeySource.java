package dev.pixmill.security;

/** Where a dialect accepts its API key from; the conversion API accepts all three. */
public enum KeySource {
    BEARER, X_API_KEY_HEADER, QUERY_PARAMETER
}
