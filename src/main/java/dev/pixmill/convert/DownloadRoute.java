package dev.pixmill.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.jobs.ConversionService;
import dev.pixmill.web.ContentDisposition;
import dev.pixmill.web.ErrorResponse;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.concurrent.Flow;

/**
 * {@code GET /api/v1/download/{token}}: the result bytes with their real Content-Length, sent
 * piece by piece as the client takes them. A plain Vert.x route because the REST layer's
 * streaming always uses chunked encoding, and Content-Length together with chunked encoding is
 * refused by proxies (e.g. nginx). The token is the capability: whoever has it may download,
 * until expiry. Described in META-INF/openapi.yaml.
 */
@ApplicationScoped
public class DownloadRoute {

    private static final Logger LOG = Logger.getLogger(DownloadRoute.class);

    @Inject
    ConversionService conversions;

    @Inject
    ObjectMapper json;

    void register(@Observes Router router) {
        router.get("/api/v1/download/:token").handler(ctx -> download(ctx, true));
        router.head("/api/v1/download/:token").handler(ctx -> download(ctx, false));
    }

    private void download(RoutingContext ctx, boolean withBody) {
        Context context = ctx.vertx().getOrCreateContext();
        conversions.download(ctx.pathParam("token")).subscribe().with(
                result -> context.runOnContext(v -> send(ctx.response(), context, result, withBody)),
                failure -> context.runOnContext(v -> fail(ctx.response(), failure)));
    }

    private void send(HttpServerResponse response, Context context, ConversionService.Result result,
            boolean withBody) {
        if (response.closed()) {
            return; // the client left during the lookup
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, result.contentType())
                .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(result.size()))
                .putHeader("Content-Disposition", ContentDisposition.attachment(result.filename()))
                .putHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=0")
                .putHeader("X-Content-Type-Options", "nosniff");
        if (!withBody) {
            response.end();
            return;
        }
        paced(result.body(), task -> context.runOnContext(v -> task.run())).subscribe().withSubscriber(
                new Flow.Subscriber<Buffer>() {
                    private Flow.Subscription subscription;

                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        subscription = s;
                        response.closeHandler(v -> s.cancel()); // the client went away
                        s.request(1);
                    }

                    @Override
                    public void onNext(Buffer piece) {
                        if (response.closed()) {
                            subscription.cancel();
                            return;
                        }
                        response.write(piece);
                        if (response.writeQueueFull()) {
                            response.drainHandler(v -> subscription.request(1));
                        } else {
                            subscription.request(1);
                        }
                    }

                    @Override
                    public void onError(Throwable failure) {
                        LOG.warnf("download of %s broke off: %s", result.filename(), failure.getMessage());
                        if (!response.headWritten()) {
                            response.headers().remove(HttpHeaders.CONTENT_LENGTH).remove("Content-Disposition");
                            fail(response, failure);
                        } else {
                            // headers are out: cut the connection so the client sees a short body, not a whole one
                            response.reset();
                        }
                    }

                    @Override
                    public void onComplete() {
                        response.end();
                    }
                });
    }

    /**
     * The pieces handed over to {@code executor} (the request's context) with a small buffer: a
     * piece is read from the database only when an earlier one has been taken; emitOn's default
     * buffer would read 256 pieces (256 MB) ahead of a slow client.
     */
    static Multi<Buffer> paced(Multi<Buffer> body, java.util.concurrent.Executor executor) {
        return body.emitOn(executor, 2);
    }

    private void fail(HttpServerResponse response, Throwable failure) {
        ErrorResponse.of(failure).send(response, json);
    }
}
