package dev.pixmill.web;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Bounds of the HTTP layer that Quarkus does not set itself. */
@ConfigMapping(prefix = "pixmill.http")
public interface HttpConfig {

    /** Time a request may take, its body included, before its answer starts; past it a 503 request_timeout. */
    @WithDefault("60s")
    Duration requestTimeout();

    /**
     * Largest request body except a batch upload's (whose limit is quarkus.http.limits.max-body-size,
     * room for 50 files): a single file and its form fields.
     */
    @WithDefault("24M")
    MemorySize maxRequestBody();

    /** Headers of one multipart part (Content-Disposition with its filename, Content-Type, ...). */
    @WithDefault("8K")
    MemorySize maxPartHeaderSize();

    /**
     * The scheme, host and optional port (and path prefix) clients reach this service at, e.g.
     * {@code https://img.example.com}; absolute URLs in answers start with it. Unset: taken from
     * each request (its scheme and Host, or the forwarded ones when proxy forwarding is configured).
     */
    Optional<String> publicBaseUrl();

    /** After an answer that came before the whole body: how long the rest is read and dropped before closing. */
    @WithDefault("2s")
    Duration drainTimeout();
}
