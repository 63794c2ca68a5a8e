package dev.pixmill.convert;

import dev.pixmill.security.ApiKeyService;
import dev.pixmill.web.StreamedDownload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code GET /api/v1/jobs/{id}/zip}: the batch's completed results as one ZIP with its exact
 * Content-Length, streamed from storage (see {@link StreamedDownload}). Owned like the job.
 * Described in META-INF/openapi.yaml.
 */
@ApplicationScoped
public class JobZipRoute {

    @Inject
    BatchService batches;

    @Inject
    ApiKeyService keys;

    @Inject
    StreamedDownload sender;

    void register(@Observes Router router) {
        router.get("/api/v1/jobs/:id/zip").handler(ctx -> zip(ctx, true));
        router.head("/api/v1/jobs/:id/zip").handler(ctx -> zip(ctx, false));
    }

    private void zip(RoutingContext ctx, boolean withBody) {
        String id = ctx.pathParam("id");
        sender.send(ctx, keys.identify(ctx.request()).chain(caller -> batches.archive(caller, id)), withBody);
    }
}
