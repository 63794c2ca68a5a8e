package dev.pixmill.optimize;

import dev.pixmill.web.StreamedDownload;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code GET /api/v1/optimize/download/{id}}: the kept result of a {@code response=json} request,
 * once. A plain route for the real Content-Length (see {@link StreamedDownload}); no HEAD, which
 * would have to either use up the download or answer for one that may be gone a moment later.
 * Described in META-INF/openapi.yaml.
 */
@ApplicationScoped
public class OptimizeDownloadRoute {

    @Inject
    OptimizeService service;

    @Inject
    StreamedDownload sender;

    void register(@Observes Router router) {
        router.get("/api/v1/optimize/download/:id")
                .handler(ctx -> sender.serve(ctx, service.download(ctx.pathParam("id")), true));
    }
}
