package dev.pixmill.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pixmill.security.ApiKeyService;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Single conversions of the conversion API: start, status, progress events. */
@Path("/api/v1/convert")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Conversion")
public class ConvertResource {

    @Inject
    ConvertService service;

    @Inject
    ApiKeyService keys;

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Convert an uploaded image", description = "Multipart field 'file' plus output_format, "
            + "quality, width, height, optimize_for, keep_metadata. Answers 202 with the conversion id.")
    public Uni<Response> convert(@Context HttpServerRequest request, MultipartFormDataInput form) {
        Map<String, String> params = new HashMap<>();
        ConvertService.Upload upload = null;
        for (Map.Entry<String, Collection<FormValue>> field : form.getValues().entrySet()) {
            FormValue value = field.getValue().iterator().next();
            if (value.isFileItem()) {
                if ("file".equals(field.getKey())) {
                    upload = new ConvertService.Upload(value.getFileName(), value.getFileItem());
                }
            } else {
                params.put(field.getKey(), value.getValue());
            }
        }
        ConvertService.Upload file = upload;
        return keys.identify(request)
                .chain(caller -> service.fromUpload(caller, file, params))
                .map(c -> Response.accepted(ConversionStatusView.Accepted.of(c)).build());
    }

    @POST
    @Path("/url")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Convert an image fetched from a URL", description = "JSON {\"url\": ..., parameters}.")
    public Uni<Response> convertUrl(@Context HttpServerRequest request, JsonNode body) {
        return keys.identify(request)
                .chain(caller -> service.fromUrl(caller, body))
                .map(c -> Response.accepted(ConversionStatusView.Accepted.of(c)).build());
    }

    @GET
    @Path("/{id}/status")
    @Operation(summary = "Status of a conversion")
    public Uni<ConversionStatusView> status(@Context HttpServerRequest request, @PathParam("id") String id) {
        return keys.identify(request)
                .chain(caller -> service.status(caller, id))
                .map(ConversionStatusView::of);
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @VisibleConversion
    @Operation(summary = "Progress as Server-Sent Events", description = "One 'status' event per state change; "
            + "the stream ends after completed or failed.")
    public Multi<OutboundSseEvent> events(@Context HttpServerRequest request, @Context Sse sse,
            @PathParam("id") String id) {
        return keys.identify(request)
                .onItem().transformToMulti(caller -> service.watch(caller, id))
                .map(c -> sse.newEventBuilder().name("status").mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(ConversionStatusView.class, ConversionStatusView.of(c)).build());
    }
}
