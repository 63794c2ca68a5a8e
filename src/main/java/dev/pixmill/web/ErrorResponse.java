package dev.pixmill.web;

import dev.pixmill.error.PixmillException;
import dev.pixmill.error.ServiceBusyException;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * What a failure looks like on the wire: status, JSON body and extra headers. The REST mapper
 * and the plain Vert.x routes both answer through it, so every error has the same shape.
 */
public record ErrorResponse(int status, ErrorBody body, Map<String, String> headers) {

    private static final Logger LOG = Logger.getLogger(ErrorResponse.class);

    public static ErrorResponse of(Throwable failure) {
        if (failure instanceof PixmillException e) {
            if (e.status() >= 500) {
                LOG.errorf(e, "request failed: %s", e.getMessage());
            }
            Map<String, String> headers = e instanceof ServiceBusyException busy
                    ? Map.of("Retry-After", String.valueOf(busy.retryAfterSeconds()))
                    : Map.of();
            return new ErrorResponse(e.status(), new ErrorBody(e.code(), e.getMessage()), headers);
        }
        LOG.error("unexpected failure", failure);
        return new ErrorResponse(500, new ErrorBody("internal_error", "internal error"), Map.of());
    }
}
