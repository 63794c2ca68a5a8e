package dev.pixmill.convert;

import dev.pixmill.security.ApiKeyService;
import dev.pixmill.web.ErrorBody;
import dev.pixmill.web.PublicUrls;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;


/** Single conversions of the conversion API: start, status, progress events. */
@Path("/api/v1/convert")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Conversion")
public class ConvertResource {

    @Inject
    ConvertService service;

    @Inject
    BatchService batches;

    @Inject
    ApiKeyService keys;

    @Inject
    PublicUrls urls;

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Convert an uploaded image", description = "Answers 202 at once; follow the conversion "
            + "with its status or its event stream, then download the result.")
    @APIResponse(responseCode = "202", description = "Accepted",
            content = @Content(schema = @Schema(implementation = ConversionStatusView.Accepted.class)))
    @APIResponse(responseCode = "400", description = "Missing or empty file, invalid or repeated parameter, "
            + "malformed multipart body, too many fields",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", description = "Invalid or revoked API key",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "413", description = "File, form field or image dimensions over the limits",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "415", description = "Not an image format Pixmill reads",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "422", description = "Known format, but unreadable",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "Busy; retry after Retry-After seconds",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> convert(@Context HttpServerRequest request, ConvertForm form) {
        return keys.identify(request)
                .chain(caller -> service.fromUpload(caller, form))
                .map(c -> Response.accepted(ConversionStatusView.Accepted.of(c)).build());
    }

    @POST
    @Path("/url")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Convert an image fetched from a URL", description = "The URL is fetched before the answer: "
            + "refused or unreachable URLs are a 400 at once. Answers 202 like the upload.")
    @APIResponse(responseCode = "202", description = "Accepted",
            content = @Content(schema = @Schema(implementation = ConversionStatusView.Accepted.class)))
    @APIResponse(responseCode = "400", description = "Invalid parameter, URL not allowed or not fetchable",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "413", description = "File or image dimensions over the limits",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "415", description = "Not an image format Pixmill reads",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "Busy; retry after Retry-After seconds",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> convertUrl(@Context HttpServerRequest request, ConvertUrlRequest body) {
        return keys.identify(request)
                .chain(caller -> service.fromUrl(caller, body))
                .map(c -> Response.accepted(ConversionStatusView.Accepted.of(c)).build());
    }

    @POST
    @Path("/batch")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Convert a batch of uploaded images", description = "1-50 parts named 'files' and the "
            + "convert parameters, applied to each. Answers 202 with the job; follow it at /api/v1/jobs/{job_id}. "
            + "An input that is not a usable image becomes a failed item; the others are converted.")
    @APIResponse(responseCode = "202", description = "Accepted",
            content = @Content(schema = @Schema(implementation = JobView.Accepted.class)))
    @APIResponse(responseCode = "400", description = "No files, more than 50, invalid parameter, malformed multipart",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "413", description = "The request is over the batch body limit",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "Busy; retry after Retry-After seconds",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> batch(@Context HttpServerRequest request, BatchForm form) {
        return keys.identify(request)
                .chain(caller -> batches.fromUploads(caller, form, urls.base(request)))
                .map(job -> Response.accepted(job).build());
    }

    @POST
    @Path("/url/batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Convert a batch of images fetched from URLs", description = "1-50 'urls' and the convert "
            + "parameters. A URL that is malformed or not http(s) refuses the batch; one that cannot be fetched "
            + "becomes a failed item. Answers 202 with the job.")
    @APIResponse(responseCode = "202", description = "Accepted",
            content = @Content(schema = @Schema(implementation = JobView.Accepted.class)))
    @APIResponse(responseCode = "400", description = "No URLs, more than 50, a malformed URL, invalid parameter",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "Busy; retry after Retry-After seconds",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<Response> urlBatch(@Context HttpServerRequest request, BatchUrlRequest body) {
        return keys.identify(request)
                .chain(caller -> batches.fromUrls(caller, body, urls.base(request)))
                .map(job -> Response.accepted(job).build());
    }

    @GET
    @Path("/{id}/status")
    @Operation(summary = "Status of a conversion")
    @APIResponse(responseCode = "200", description = "The status document",
            content = @Content(schema = @Schema(implementation = ConversionStatusView.class)))
    @APIResponse(responseCode = "404", description = "Unknown, expired or another owner's",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<ConversionStatusView> status(@Context HttpServerRequest request, @PathParam("id") String id) {
        return keys.identify(request)
                .chain(caller -> service.status(caller, id))
                .map(ConversionStatusView::of);
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @VisibleConversion
    @Operation(summary = "Progress as Server-Sent Events", description = "One 'status' event per state change; "
            + "the stream ends after completed or failed.")
    public Multi<OutboundSseEvent> events(@Context HttpServerRequest request, @Context Sse sse,
            @PathParam("id") String id) {
        return keys.identify(request)
                .onItem().transformToMulti(caller -> service.watch(caller, id))
                .map(c -> sse.newEventBuilder().name("status")
                        .data(ConversionStatusView.class, ConversionStatusView.of(c)).build());
    }
}
