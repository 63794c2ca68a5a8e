package dev.pixmill.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.error.PixmillException;
import dev.pixmill.error.RateLimitedException;
import dev.pixmill.error.ServiceBusyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * What a failure looks like on the wire: status, JSON body and extra headers. The REST mapper
 * and the plain Vert.x routes both answer through it, so every error has the same shape.
 */
public record ErrorResponse(int status, ErrorBody body, Map<String, String> headers) {

    public ErrorResponse(int status, String code, String message) {
        this(status, new ErrorBody(code, message), Map.of());
    }

    private static final Logger LOG = Logger.getLogger(ErrorResponse.class);

    public static ErrorResponse of(Throwable failure) {
        if (failure instanceof PixmillException e) {
            if (e.status() >= 500) {
                LOG.errorf(e, "request failed: %s", e.getMessage());
            }
            Map<String, String> headers = switch (e) {
                case ServiceBusyException busy -> Map.of("Retry-After", String.valueOf(busy.retryAfterSeconds()));
                case RateLimitedException limited -> limited.headers();
                default -> Map.of();
            };
            return new ErrorResponse(e.status(), new ErrorBody(e.code(), e.getMessage()), headers);
        }
        LOG.error("unexpected failure", failure);
        return new ErrorResponse(500, "internal_error", "internal error");
    }

    /** Answers on a plain Vert.x route (outside the REST layer) and ends the response. */
    public void send(HttpServerResponse response, ObjectMapper json) {
        send(response, json, Dialect.DEFAULT);
    }

    /** As {@link #send(HttpServerResponse, ObjectMapper)}, in the shape of the request path's dialect. */
    public void send(io.vertx.core.http.HttpServerRequest request, ObjectMapper json) {
        send(request.response(), json, Dialect.of(request.path()));
    }

    private void send(HttpServerResponse response, ObjectMapper json, Dialect dialect) {
        String text;
        try {
            text = json.writeValueAsString(dialect.body(this));
        } catch (JsonProcessingException e) {
            text = "{\"error\":\"internal_error\",\"message\":\"internal error\"}";
        }
        response.setStatusCode(dialect.status(this)).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        headers.forEach(response::putHeader);
        response.end(text);
    }
}
