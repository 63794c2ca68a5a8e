package dev.pixmill.tasks;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The compression-task dialect: create a task (from a file or a URL), read it back. */
@Path("/api/tasks/visual/imgcompress")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Compression task")
public class TasksResource {

    static final String CREATE = "Answers 200 with {status, message, data}: data is {task_id} (sync=0) or the "
            + "task document (sync=1, after the task ended or about 50 s, whichever comes first). "
            + "Key required in X-API-KEY.";

    @Inject
    TasksService service;

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Compress an uploaded or linked image", description = CREATE)
    @APIResponse(responseCode = "200", description = "Task created (sync=0: data.task_id; sync=1: the task document)",
            content = @Content(schema = @Schema(oneOf = { TaskAnswer.CreatedDoc.class, TaskAnswer.TaskDoc.class })))
    @APIResponse(responseCode = "400", description = "None or both of image_file and image_url, invalid or repeated "
            + "field, quality with kbyte, kbyte for png output, URL refused or not fetchable, malformed body",
            content = @Content(schema = @Schema(implementation = TaskAnswer.ErrorDoc.class)))
    @APIResponse(responseCode = "401", description = "No key in X-API-KEY, or an invalid or revoked key",
            content = @Content(schema = @Schema(implementation = TaskAnswer.ErrorDoc.class)))
    @APIResponse(responseCode = "402", description = "The key's credits do not cover the task (1 credit up to "
            + "4096 px on the longest side, 2 above); nothing is queued",
            content = @Content(schema = @Schema(implementation = TaskAnswer.ErrorDoc.class)))
    @APIResponse(responseCode = "413", description = "File over 20 MB or image over 8000x8000",
            content = @Content(schema = @Schema(implementation = TaskAnswer.ErrorDoc.class)))
    @APIResponse(responseCode = "415", description = "Not jpg, png, webp, bmp, tiff or gif",
            content = @Content(schema = @Schema(implementation = TaskAnswer.ErrorDoc.class)))
    @APIResponse(responseCode = "422", description = "A known format that cannot be read",
            content = @Content(schema = @Schema(implementation = TaskAnswer.ErrorDoc.class)))
    @APIResponse(responseCode = "503", description = "Busy; retry after Retry-After seconds",
            content = @Content(schema = @Schema(implementation = TaskAnswer.ErrorDoc.class)))
    public Uni<TaskAnswer<?>> create(@Context RoutingContext routing, TaskForm form) {
        return service.authenticate(routing.request()).chain(caller -> service.create(routing, caller, form));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Compress an image fetched from image_url", description = CREATE)
    @APIResponse(responseCode = "200", description = "Task created (sync=0: data.task_id; sync=1: the task document)",
            content = @Content(schema = @Schema(oneOf = { TaskAnswer.CreatedDoc.class, TaskAnswer.TaskDoc.class })))
    @APIResponse(responseCode = "400", description = "No image_url, an image_file field, invalid or repeated field, "
            + "quality with kbyte, kbyte for png output, URL refused or not fetchable",
            content = @Content(schema = @Schema(implementation = TaskAnswer.ErrorDoc.class)))
    @APIResponse(responseCode = "401", description = "No key in X-API-KEY, or an invalid or revoked key",
            content = @Content(schema = @Schema(implementation = TaskAnswer.ErrorDoc.class)))
    @APIResponse(responseCode = "402", description = "The key's credits do not cover the task (1 credit up to "
            + "4096 px on the longest side, 2 above); nothing is queued",
            content = @Content(schema = @Schema(implementation = TaskAnswer.ErrorDoc.class)))
    @APIResponse(responseCode = "413", description = "File over 20 MB or image over 8000x8000",
            content = @Content(schema = @Schema(implementation = TaskAnswer.ErrorDoc.class)))
    @APIResponse(responseCode = "415", description = "Not jpg, png, webp, bmp, tiff or gif",
            content = @Content(schema = @Schema(implementation = TaskAnswer.ErrorDoc.class)))
    @APIResponse(responseCode = "503", description = "Busy; retry after Retry-After seconds",
            content = @Content(schema = @Schema(implementation = TaskAnswer.ErrorDoc.class)))
    public Uni<TaskAnswer<?>> createFromUrl(@Context RoutingContext routing, TaskUrlForm form) {
        return service.authenticate(routing.request()).chain(caller -> service.create(routing, caller, form));
    }

    @GET
    @Path("/{task_id}")
    @Operation(summary = "The task document", description = "state 1 succeeded, 2 queued, 3 processing, negative "
            + "failed (with state_detail). Results are kept 1 hour.")
    @APIResponse(responseCode = "200", description = "The task document",
            content = @Content(schema = @Schema(implementation = TaskAnswer.TaskDoc.class)))
    @APIResponse(responseCode = "401", description = "No key in X-API-KEY, or an invalid or revoked key",
            content = @Content(schema = @Schema(implementation = TaskAnswer.ErrorDoc.class)))
    @APIResponse(responseCode = "404", description = "Unknown, expired or another key's task",
            content = @Content(schema = @Schema(implementation = TaskAnswer.ErrorDoc.class)))
    public Uni<TaskAnswer<?>> get(@Context HttpServerRequest request,
            @Parameter(description = "The task_id of the create answer") @PathParam("task_id") String taskId) {
        return service.authenticate(request).chain(caller -> service.get(request, caller, taskId));
    }
}
