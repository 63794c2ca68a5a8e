package dev.pixmill.web;

import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * An answer sent before the whole request body has arrived (a refused upload, a malformed form,
 * a request deadline) leaves the rest of the body on the connection, and Quarkus REST's form
 * reader leaves the request paused once it has failed: a client still sending would wait forever,
 * and the next request on a kept-alive connection would never be read. Such an answer says
 * {@code Connection: close}; the rest of the body is then read and dropped for a moment (closing
 * at once can reset the connection before the client has read the answer), and the connection
 * is closed.
 */
@ApplicationScoped
public class UnreadBodyGuard {

    /** Before every other route, so that whatever answers early is covered. */
    static final int ORDER = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 2;

    @Inject
    HttpConfig config;

    void register(@Observes Router router) {
        router.route().order(ORDER).handler(ctx -> {
            HttpServerRequest request = ctx.request();
            // HTTP/1.x only (an h2c upgrade arrives here as HTTP/2): an HTTP/2 stream ends on its own
            if (request.version() != HttpVersion.HTTP_2 && hasBody(request)) {
                // headers-end handlers run after Vert.x has set its own Connection header (keep-alive for HTTP/1.0)
                ctx.addHeadersEndHandler(v -> {
                    if (!request.isEnded()) {
                        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                    }
                });
                ctx.addEndHandler(v -> {
                    if (!request.isEnded()) {
                        drainThenClose(ctx);
                    }
                });
            }
            ctx.next();
        });
    }

    /** A request without a body may be answered before Vert.x has marked it ended; it has nothing unread. */
    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || length != null && !length.strip().equals("0");
    }

    private void drainThenClose(RoutingContext ctx) {
        var connection = ctx.request().connection();
        long timer = ctx.vertx().setTimer(config.drainTimeout().toMillis(), id -> connection.close());
        Runnable close = () -> {
            ctx.vertx().cancelTimer(timer);
            connection.close();
        };
        ctx.request().handler(dropped -> { })
                .endHandler(v -> close.run())
                .exceptionHandler(e -> close.run());
        ctx.request().resume();
    }
}
