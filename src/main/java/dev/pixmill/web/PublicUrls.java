package dev.pixmill.web;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Absolute URLs of this service's own paths, for answers that hand a client a link to follow
 * later (a result download). {@code pixmill.http.public-base-url} wins when set; otherwise the
 * request says where it was sent: its scheme and authority, which Vert.x takes from
 * {@code Forwarded}/{@code X-Forwarded-*} only when Quarkus' proxy forwarding is enabled, so a
 * client cannot make the service print links to another host.
 */
@ApplicationScoped
public class PublicUrls {

    @Inject
    HttpConfig config;

    /** {@code path} (starting with {@code /}) as an absolute URL for a client of {@code request}. */
    public String absolute(HttpServerRequest request, String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /: " + path);
        }
        return base(request) + path;
    }

    /** Scheme and authority (and prefix) of this service for a client of {@code request}; no trailing slash. */
    public String base(HttpServerRequest request) {
        String configured = config.publicBaseUrl().map(String::strip).orElse("");
        if (!configured.isEmpty()) {
            return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        }
        String scheme = request.scheme() == null ? "http" : request.scheme();
        return scheme + "://" + authority(request);
    }

    private static String authority(HttpServerRequest request) {
        HostAndPort authority = request.authority();
        if (authority != null && authority.host() != null && !authority.host().isEmpty()) {
            return hostAndPort(authority.host(), authority.port());
        }
        // HTTP/1.0 without a Host header: the address the request arrived at
        SocketAddress local = request.localAddress();
        return local == null ? "localhost" : hostAndPort(local.hostAddress(), local.port());
    }

    private static String hostAndPort(String host, int port) {
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return port > 0 ? h + ":" + port : h;
    }
}
