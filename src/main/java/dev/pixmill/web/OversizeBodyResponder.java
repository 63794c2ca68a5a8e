package dev.pixmill.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.engine.EngineConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Requests whose declared body is over the HTTP limit are refused by Quarkus with an empty 413;
 * this answers them first, with the JSON error every client of the API expects.
 */
@ApplicationScoped
public class OversizeBodyResponder {

    private static final long DRAIN_MILLIS = 2000;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize maxBodySize;

    @Inject
    EngineConfig engineConfig;

    @Inject
    ObjectMapper json;

    void register(@Observes Router router) {
        long limit = maxBodySize.asLongValue();
        ErrorResponse tooLarge = new ErrorResponse(413, "file_too_large", String.format(
                "the request is larger than the file limit of %.0f MB", engineConfig.limits().maxBytes() / 1048576.0));
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && parse(length) > limit) {
                // HTTP/1.x (an h2c upgrade arrives here as HTTP/2): say the connection ends, so no
                // further request is sent on it; set last, as Vert.x would put keep-alive for HTTP/1.0
                boolean http1 = ctx.request().version() != HttpVersion.HTTP_2;
                if (http1) {
                    ctx.response().headersEndHandler(v -> ctx.response().putHeader(HttpHeaders.CONNECTION, "close"));
                }
                tooLarge.send(ctx.response(), json);
                if (http1) {
                    drainThenClose(ctx);
                }
                return;
            }
            ctx.next();
        });
    }

    /**
     * Closing while the client still sends would reset the connection, and the client could lose
     * the answer; so what it sends is read and dropped for a moment, then the connection closed.
     */
    private static void drainThenClose(io.vertx.ext.web.RoutingContext ctx) {
        var connection = ctx.request().connection();
        long timer = ctx.vertx().setTimer(DRAIN_MILLIS, id -> connection.close());
        ctx.request().handler(dropped -> { })
                .endHandler(v -> {
                    ctx.vertx().cancelTimer(timer);
                    connection.close();
                })
                .exceptionHandler(e -> {
                    ctx.vertx().cancelTimer(timer);
                    connection.close();
                });
        ctx.request().resume();
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1; // malformed: left to the HTTP layer
        }
    }
}
