package dev.pixmill.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.error.RequestTimeoutException;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * A safety net under every route: a request that has not started its answer within
 * {@code pixmill.http.request-timeout} (a slow body, a stuck handler) is answered with a JSON 503
 * {@code request_timeout}, and its connection closes if the body is still unread
 * ({@link UnreadBodyGuard}). The rule is time to first byte, so streams (SSE, downloads), which
 * start their answer at once, are not cut.
 */
@ApplicationScoped
public class RequestDeadline {

    private static final Logger LOG = Logger.getLogger(RequestDeadline.class);
    /** Where the request's deadline (System.nanoTime) is kept in its routing context. */
    private static final String DEADLINE = "pixmill.request-deadline";

    @Inject
    HttpConfig config;

    @Inject
    ObjectMapper json;

    void register(@Observes Router router) {
        long millis = config.requestTimeout().toMillis();
        RequestTimeoutException late = new RequestTimeoutException(
                "the request did not get its answer within " + config.requestTimeout().toSeconds() + " s");
        ErrorResponse answer = new ErrorResponse(late.status(), late.code(), late.getMessage());
        router.route().order(UnreadBodyGuard.ORDER - 1).handler(ctx -> {
            ctx.put(DEADLINE, System.nanoTime() + millis * 1_000_000L);
            long timer = ctx.vertx().setTimer(millis, id -> {
                if (!ctx.response().headWritten() && !ctx.response().closed()) {
                    LOG.warnf("%s %s: no answer within %d ms", ctx.request().method(), ctx.request().path(), millis);
                    answer.send(ctx.request(), json);
                }
            });
            ctx.addHeadersEndHandler(v -> ctx.vertx().cancelTimer(timer));
            ctx.addEndHandler(v -> ctx.vertx().cancelTimer(timer));
            ctx.next();
        });
    }

    /** Time left before the request is answered with 503 request_timeout; empty outside a request. */
    public static java.util.Optional<java.time.Duration> remaining(io.vertx.ext.web.RoutingContext ctx) {
        Long deadline = ctx == null ? null : ctx.get(DEADLINE);
        return deadline == null ? java.util.Optional.empty()
                : java.util.Optional.of(java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
}
