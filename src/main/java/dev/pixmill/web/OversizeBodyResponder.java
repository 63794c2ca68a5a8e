package dev.pixmill.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.engine.EngineConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Requests whose declared body is over the HTTP limit are refused by Quarkus with an empty 413;
 * this answers them first, with the JSON error every client of the API expects. The body it does
 * not read is left to {@link UnreadBodyGuard}: Connection: close, a short drain, then the close.
 */
@ApplicationScoped
public class OversizeBodyResponder {

    static final String BATCH_UPLOAD = "/api/v1/convert/batch";

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize maxBodySize;

    @Inject
    EngineConfig engineConfig;

    @Inject
    HttpConfig httpConfig;

    @Inject
    ObjectMapper json;

    void register(@Observes Router router) {
        // the HTTP layer's limit is the batch upload's; every other request has the single-file one
        long batchLimit = maxBodySize.asLongValue();
        long limit = Math.min(batchLimit, httpConfig.maxRequestBody().asLongValue());
        ErrorResponse tooLarge = new ErrorResponse(413, "file_too_large", String.format(
                "the request is larger than the file limit of %.0f MB", engineConfig.limits().maxBytes() / 1048576.0));
        ErrorResponse batchTooLarge = new ErrorResponse(413, "file_too_large", String.format(
                "the batch request is larger than its limit of %.0f MB", batchLimit / 1048576.0));
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            boolean batch = BATCH_UPLOAD.equals(ctx.normalizedPath());
            if (length != null && parse(length) > (batch ? batchLimit : limit)) {
                (batch ? batchTooLarge : tooLarge).send(ctx.request(), json);
                return;
            }
            ctx.next();
        });
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1; // malformed: left to the HTTP layer
        }
    }
}
