package dev.pixmill.web;

import com.fasterxml.jackson.core.JacksonException;
import dev.pixmill.error.PixmillException;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where failures become HTTP responses, all with a JSON body. Known errors carry
 * their status and public message; anything unexpected is logged and answered with a 500 that
 * reveals nothing internal.
 */
public class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);
    /** Jackson's words for a member given twice (StrictJson). */
    private static final Pattern DUPLICATE_MEMBER = Pattern.compile("Duplicate field '(.*)'");

    @ConfigProperty(name = "quarkus.http.limits.max-parameters")
    int maxFields;

    @ConfigProperty(name = "quarkus.http.limits.max-form-attribute-size")
    MemorySize maxFieldSize;

    @ServerExceptionMapper
    public Response pixmill(PixmillException e, UriInfo uri) {
        return render(ErrorResponse.of(e), uri);
    }

    @ServerExceptionMapper
    public Response framework(WebApplicationException e, UriInfo uri) {
        var malformed = MultipartReadFailure.of(e, formLimits());
        if (malformed.isPresent()) {
            return pixmill(malformed.get(), uri);
        }
        if (e.getCause() instanceof JacksonException json) { // Quarkus REST's JSON reader wraps its parse errors
            return malformedJson(json, uri);
        }
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "file_too_large";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
        String message = status >= 500 ? "internal error" : e.getMessage();
        if (status == 405) {
            message = "this method is not allowed on this path"; // Quarkus REST does not say which are
        }
        if (status >= 500) {
            LOG.error("request failed", e);
        }
        return render(new ErrorResponse(status, code, message), uri);
    }

    @ServerExceptionMapper
    public Response malformedJson(JacksonException e, UriInfo uri) {
        Matcher duplicate = DUPLICATE_MEMBER.matcher(String.valueOf(e.getOriginalMessage()));
        if (duplicate.lookingAt()) {
            return pixmill(ParameterRules.duplicate(duplicate.group(1)), uri);
        }
        return render(new ErrorResponse(400, "invalid_json",
                "the request body is not valid JSON: " + e.getOriginalMessage()), uri);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        var malformed = MultipartReadFailure.of(e, formLimits());
        return malformed.isPresent() ? pixmill(malformed.get(), uri) : render(ErrorResponse.of(e), uri);
    }

    private MultipartReadFailure.FormLimits formLimits() {
        return new MultipartReadFailure.FormLimits(maxFields, maxFieldSize.asLongValue());
    }

    private static Response render(ErrorResponse error, UriInfo uri) {
        Dialect dialect = Dialect.of(uri == null ? null : uri.getPath());
        Response.ResponseBuilder response = Response.status(dialect.status(error)).type(MediaType.APPLICATION_JSON)
                .entity(dialect.body(error));
        error.headers().forEach(response::header);
        return response.build();
    }
}
