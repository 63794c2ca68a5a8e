package dev.pixmill.web;

import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Headers of the web converter page ({@code /}, {@code /index.html}, {@code /assets/*}, static files
 * under META-INF/resources): a strict Content-Security-Policy (this origin only, images also from
 * blob: and data:, no inline script or style) and revalidation on every load, so a new release's
 * page never runs with an old release's script. Set when the headers go out, after the static
 * handler has set its own caching headers. The API and /q/* (Swagger UI) keep theirs.
 */
@ApplicationScoped
public class PageHeaders {

    /** Early, with the other guards; it only registers a headers-end handler. */
    static final int ORDER = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1;

    @Inject
    HttpConfig config;

    private String policy;

    void register(@Observes Router router) {
        policy = policy(config.publicBaseUrl().flatMap(PageHeaders::origin));
        router.getWithRegex("/|/index\\.html|/assets/[^/]+").order(ORDER).handler(this::decorate);
        router.headWithRegex("/|/index\\.html|/assets/[^/]+").order(ORDER).handler(this::decorate);
    }

    private void decorate(RoutingContext ctx) {
        ctx.addHeadersEndHandler(v -> {
            var headers = ctx.response().headers();
            headers.set("Content-Security-Policy", policy);
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
            headers.set("X-Frame-Options", "DENY");
            // A few small files: a conditional request per load costs little and never mixes releases.
            headers.set("Cache-Control", "no-cache");
        });
        ctx.next();
    }

    /**
     * Results are linked at {@code pixmill.http.public-base-url} when it is set, which may be
     * another origin than the page's (a CDN in front): the result previews load from there.
     */
    static String policy(Optional<String> publicOrigin) {
        String extra = publicOrigin.map(o -> " " + o).orElse("");
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:" + extra
                + "; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "
                + "frame-ancestors 'none'";
    }

    /** {@code scheme://host[:port]} of an absolute http(s) URL; nothing for anything else. */
    static Optional<String> origin(String url) {
        try {
            URI uri = URI.create(url.strip());
            String scheme = uri.getScheme();
            if (uri.getHost() == null || scheme == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                return Optional.empty();
            }
            String host = uri.getHost().toLowerCase(Locale.ROOT);
            return Optional.of(scheme.toLowerCase(Locale.ROOT) + "://" + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
