package dev.pixmill.convert;

import dev.pixmill.jobs.ConversionService;
import dev.pixmill.web.StreamedDownload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code GET /api/v1/download/{token}}: the result bytes (see {@link StreamedDownload}). The
 * token is the capability: whoever has it may download, until expiry. Described in
 * META-INF/openapi.yaml.
 */
@ApplicationScoped
public class DownloadRoute {

    @Inject
    ConversionService conversions;

    @Inject
    StreamedDownload sender;

    void register(@Observes Router router) {
        router.get("/api/v1/download/:token").handler(ctx -> download(ctx, true));
        router.head("/api/v1/download/:token").handler(ctx -> download(ctx, false));
    }

    private void download(RoutingContext ctx, boolean withBody) {
        sender.serve(ctx, conversions.download(ctx.pathParam("token")), withBody);
    }
}
