package dev.pixmill.fetch;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Settings of the URL fetcher ({@code pixmill.fetch.*}). The address rules also apply to webhook
 * delivery, which reuses {@link AddressPolicy}.
 */
@ConfigMapping(prefix = "pixmill.fetch")
public interface FetchConfig {

    /**
     * Lets loopback, private (RFC 1918, fc00::/7) and link-local addresses through; for tests and
     * closed networks ({@code PIXMILL_FETCH_ALLOW_PRIVATE}). Cloud metadata addresses stay refused.
     */
    @WithDefault("false")
    boolean allowPrivate();

    /**
     * Exceptions to the address rules: CIDRs or single IPs ({@code 10.1.0.0/16}, {@code 192.168.1.5},
     * {@code fd12::/64}) admit those addresses; host names ({@code images.intranet},
     * {@code *.intranet}) admit that host whatever it resolves to. Metadata addresses stay refused.
     */
    Optional<List<String>> allowList();

    /** Largest body accepted, in bytes. */
    @WithDefault("20971520")
    long maxBytes();

    /** Overall time for one fetch: resolution, connections, redirects and body. */
    @WithDefault("30S")
    Duration timeout();

    @WithDefault("3")
    int maxRedirects();

    @WithDefault("Pixmill/0.1")
    String userAgent();
}
