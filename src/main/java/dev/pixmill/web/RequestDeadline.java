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
}
