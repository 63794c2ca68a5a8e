package dev.pixmill.optimize;

import dev.pixmill.jobs.ConversionService;
import dev.pixmill.security.ApiKeyService;
import dev.pixmill.security.Caller;
import dev.pixmill.web.ContentDisposition;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code POST /api/v1/optimize}: the optimize dialect; other methods on the path are 405. */
@Path("/api/v1/optimize")
@Tag(name = "Optimize")
public class OptimizeResource {

    @Inject
    OptimizeService service;

    @Inject
    ApiKeyService keys;

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces({ "image/*", MediaType.APPLICATION_JSON })
    @Operation(summary = "Optimize an image, synchronously", description = "Answers the optimized image, or with "
            + "response=json a JSON document whose download_url works once within 10 minutes. If nothing beats the "
            + "original in the same format, the original bytes are the answer (savings 0.0).")
    @APIResponse(responseCode = "200", description = "The image (or the JSON answer)",
            headers = { @Header(name = "X-Original-Size"), @Header(name = "X-Optimized-Size"),
                    @Header(name = "X-Savings-Percent", description = "One decimal") },
            content = { @Content(mediaType = "image/*", schema = @Schema(type = SchemaType.STRING, format = "binary")),
                    @Content(mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = OptimizeAnswer.class)) })
    @APIResponse(responseCode = "400",
            description = "Missing image, invalid parameter or format, corrupt image, file or image too large",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = OptimizeError.class)))
    @APIResponse(responseCode = "401", description = "Missing or invalid API key",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = OptimizeError.class)))
    @APIResponse(responseCode = "403", description = "The optimize API is disabled for this key",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = OptimizeError.class)))
    @APIResponse(responseCode = "405", description = "Any method but POST",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = OptimizeError.class)))
    @APIResponse(responseCode = "500", description = "Optimization failed (or took longer than its deadline)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = OptimizeError.class)))
    @APIResponse(responseCode = "503", description = "The engine is busy; retry after Retry-After seconds",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = OptimizeError.class)))
    public Uni<Response> optimize(@Context HttpServerRequest request, OptimizeForm form) {
        return keys.identify(request, form.apiKey)
                .invoke(service::authorize)
                .chain(caller -> {
                    OptimizeOptions options = OptimizeOptions.parse(form);
                    return service.optimize(caller, form, options)
                            .chain(optimized -> options.json() ? json(caller, optimized)
                                    : Uni.createFrom().item(image(optimized)));
                })
                .map(Response.ResponseBuilder::build);
    }

    private Uni<Response.ResponseBuilder> json(Caller caller, OptimizeService.Optimized optimized) {
        return service.keep(caller, optimized)
                .map(kept -> Response.ok(OptimizeAnswer.of(optimized, kept), MediaType.APPLICATION_JSON));
    }

    private static Response.ResponseBuilder image(OptimizeService.Optimized optimized) {
        var result = optimized.result();
        return Response.ok(result.bytes(), result.format().mimeType())
                .header("X-Original-Size", optimized.originalSize())
                .header("X-Optimized-Size", optimized.optimizedSize())
                .header("X-Savings-Percent", optimized.savingsPercent())
                .header("Content-Disposition", ContentDisposition.inline(
                        ConversionService.resultFilename(optimized.filename(), result.format().extension())));
    }

    /** The dialect's error shape, for the OpenAPI document (ErrorMapper writes it). */
    @Schema(name = "OptimizeError")
    public record OptimizeError(@Schema(description = "A sentence naming the problem",
            example = "the image is 3.1 MB; the limit is 2.0 MB") String error) {
    }
}
