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

/** {@code POST /api/v1/resize} of the conversion API: a conversion whose goal is a size. */
@Path("/api/v1/resize")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Conversion")
public class ResizeResource {

    @Inject
    ConvertService service;

    @Inject
    ApiKeyService keys;

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Resize an uploaded image", description = "Exactly one of percent, width/height or preset; "
            + "fit inside (default), cover or contain; nothing is enlarged unless upscale=true (or percent above "
            + "100). The input's format unless output_format says otherwise; animated GIF and WebP keep every frame "
            + "and its timing for gif and webp output. Answers 202 and follows the conversion flow.")
    @APIResponse(responseCode = "202", description = "Accepted",
            content = @Content(schema = @Schema(implementation = ConversionStatusView.Accepted.class)))
    @APIResponse(responseCode = "400", description = "Missing or empty file; invalid, repeated or conflicting "
            + "parameter (none or several of percent, width/height and preset; fit without a box)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", description = "Invalid or revoked API key",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "413", description = "File, input or result dimensions over the limits",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "415", description = "Not an image format Pixmill reads",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "422", description = "Known format, but unreadable",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "Busy; retry after Retry-After seconds",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> resize(@Context HttpServerRequest request, ResizeForm form) {
        return keys.identify(request)
                .chain(caller -> service.resize(caller, form))
                .map(c -> Response.accepted(ConversionStatusView.Accepted.of(c)).build());
    }
}
