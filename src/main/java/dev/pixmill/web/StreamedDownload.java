package dev.pixmill.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.jobs.ConversionService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.concurrent.Flow;

/**
 * Sends a stored result on a plain Vert.x route, with its real Content-Length, piece by piece as
 * the client takes them. Plain routes because the REST layer's streaming always uses chunked
 * encoding, and Content-Length together with chunked encoding is refused by proxies (e.g. nginx).
 */
@ApplicationScoped
public class StreamedDownload {

    private static final Logger LOG = Logger.getLogger(StreamedDownload.class);

    @Inject
    ObjectMapper json;

    /**
     * Bytes to send as an attachment: their type, exact length, the pieces and the file name;
     * {@code headers} replace the defaults (e.g. an inline Content-Disposition, a Cache-Control).
     */
    public record Payload(String contentType, long size, Multi<Buffer> body, String filename,
            java.util.Map<String, String> headers) {

        public Payload(String contentType, long size, Multi<Buffer> body, String filename) {
            this(contentType, size, body, filename, java.util.Map.of());
        }
    }

    /**
     * Answers {@code ctx} with the result {@code lookup} finds, or with its failure as an error in
     * the shape of the path's dialect.
     */
    public void serve(RoutingContext ctx, Uni<ConversionService.Result> lookup, boolean withBody) {
        send(ctx, lookup.map(r -> new Payload(r.contentType(), r.size(), r.body(), r.filename())), withBody);
    }

    /** As {@link #serve}, for any payload. */
    public void send(RoutingContext ctx, Uni<Payload> lookup, boolean withBody) {
        Context context = ctx.vertx().getOrCreateContext();
        lookup.subscribe().with(
                result -> context.runOnContext(v -> send(ctx, context, result, withBody)),
                failure -> context.runOnContext(v -> fail(ctx, failure)));
    }

    private void send(RoutingContext ctx, Context context, Payload result, boolean withBody) {
        HttpServerResponse response = ctx.response();
        if (response.closed()) {
            return; // the client left during the lookup
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, result.contentType())
                .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(result.size()))
                .putHeader("Content-Disposition", ContentDisposition.attachment(result.filename()))
                .putHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=0")
                .putHeader("X-Content-Type-Options", "nosniff");
        result.headers().forEach(response::putHeader);
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
                            fail(ctx, failure);
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
     * piece is read from storage only when an earlier one has been taken; emitOn's default
     * buffer would read 256 pieces ahead of a slow client.
     */
    static Multi<Buffer> paced(Multi<Buffer> body, java.util.concurrent.Executor executor) {
        return body.emitOn(executor, 2);
    }

    private void fail(RoutingContext ctx, Throwable failure) {
        ErrorResponse.of(failure).send(ctx.request(), json);
    }
}
