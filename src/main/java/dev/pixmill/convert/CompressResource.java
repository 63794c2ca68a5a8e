package dev.pixmill.convert;

import dev.pixmill.security.ApiKeyService;
import dev.pixmill.web.ErrorBody;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code POST /api/v1/compress} of the conversion API: a conversion whose goal is a smaller file. */
@Path("/api/v1/compress")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Conversion")
public class CompressResource {

    @Inject
    ConvertService service;

    @Inject
    ApiKeyService keys;

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Compress an uploaded image", description = "The input's format unless output_format says "
            + "otherwise; quality, smart_quality (default medium) or target_kb through the engine's compression "
            + "search. Answers 202 and follows the conversion flow.")
    @APIResponse(responseCode = "202", description = "Accepted",
            content = @Content(schema = @Schema(implementation = ConversionStatusView.Accepted.class)))
    @APIResponse(responseCode = "400", description = "Missing file, invalid, repeated or conflicting parameter",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "413", description = "File or image dimensions over the limits",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "415", description = "Not an image format Pixmill reads",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "Busy; retry after Retry-After seconds",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> compress(@Context HttpServerRequest request, CompressForm form) {
        return keys.identify(request)
                .chain(caller -> service.compress(caller, form))
                .map(c -> Response.accepted(ConversionStatusView.Accepted.of(c)).build());
    }
}
