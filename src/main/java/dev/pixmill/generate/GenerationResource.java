package dev.pixmill.generate;

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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** The image-generation dialect: ask for images, get their URLs at once (GET them: {@link ImageRoute}). */
@Path("/api/image-generation")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Image generation")
public class GenerationResource {

    @Inject
    GenerationService service;

    /** The request body as OpenAPI shows it (the resource reads it as JSON, field by field). */
    @Schema(name = "GenerationRequest")
    record RequestDoc(
            @Schema(required = true, maxLength = 1000, description = "What to show; non-empty after trimming")
            String prompt,
            @Schema(enumeration = { "photo", "illustration", "watercolor", "fantasy", "anime", "3d", "isometric",
                    "none" }, defaultValue = "photo") String style,
            @Schema(enumeration = { "1024x1024", "1152x896", "1216x832", "1344x768", "1536x640", "640x1536",
                    "768x1344", "832x1216", "896x1152" }, defaultValue = "1024x1024") String size,
            @Schema(minimum = "1", maximum = "4", defaultValue = "1") Integer numImages,
            @Schema(enumeration = { "standard", "premium" }, defaultValue = "standard",
                    description = "standard: 1 credit per image; premium: 5, professional plan only") String model) {
    }

    @POST
    @Path("/")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Generate images", description = "Answers 200 at once, before the images exist, with one "
            + "{url, alt} per image. A GET of a url waits until that image is ready (up to 60 s, then 503 with "
            + "Retry-After) and serves the JPEG from then on, for an hour. Key required in Authorization: Bearer. "
            + "The path works with and without its trailing slash.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = RequestDoc.class),
            examples = @ExampleObject(name = "generateImages",
                    value = "{\"prompt\": \"a lighthouse at dusk\", \"style\": \"watercolor\", \"size\": \"1344x768\", "
                            + "\"numImages\": 2}")))
    @APIResponse(responseCode = "200", description = "The images to be, in order",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = ImageAnswer.class)))
    @APIResponse(responseCode = "400", description = "A bad parameter (the message names it), a body that is not "
            + "a JSON object, a member given twice", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", description = "No key in Authorization: Bearer, or an invalid or revoked key",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "402", description = "Not enough credits (standard 1, premium 5 per image)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "premium without the professional plan, or the API disabled "
            + "for this key", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "429", description = "Rate limit; retry after Retry-After seconds",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "500", description = "A server fault",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "Too much work waiting; retry after Retry-After seconds",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<List<ImageAnswer>> generate(@Context HttpServerRequest request, String body) {
        // read as text and parsed after the key is checked: a stranger's malformed body gets a 401, not a 400
        return service.authenticate(request)
                .chain(caller -> service.parse(body).chain(json -> service.create(request, caller, json)));
    }
}
