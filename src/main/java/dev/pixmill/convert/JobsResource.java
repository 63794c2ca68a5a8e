package dev.pixmill.convert;

import dev.pixmill.jobs.Conversion;
import dev.pixmill.jobs.JobService;
import dev.pixmill.security.ApiKeyService;
import dev.pixmill.web.ErrorBody;
import dev.pixmill.web.PublicUrls;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Batches of the conversion API: the job document and its event stream (the ZIP is {@link JobZipRoute}). */
@Path("/api/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Conversion")
public class JobsResource {

    @Inject
    BatchService batches;

    @Inject
    ApiKeyService keys;

    @Inject
    PublicUrls urls;

    @GET
    @Path("/{id}")
    @Operation(summary = "Status of a batch", description = "The job with every item; item download_urls are "
            + "absolute. completed once every item has ended and at least one succeeded, failed when all failed.")
    @APIResponse(responseCode = "200", description = "The job document",
            content = @Content(schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "404", description = "Unknown, expired or another owner's",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<JobView> job(@Context HttpServerRequest request, @PathParam("id") String id) {
        return keys.identify(request)
                .chain(caller -> batches.find(caller, id))
                .map(snapshot -> JobView.of(snapshot, urls.base(request)));
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @VisibleJob
    @Operation(summary = "Progress of a batch as Server-Sent Events", description = "A 'status' event with the job "
            + "document at once and whenever an item ends; an 'item' event (one item of the document) whenever "
            + "an item changes state or progress. The stream ends after the job's completed or failed status.")
    public Multi<OutboundSseEvent> events(@Context HttpServerRequest request, @Context Sse sse,
            @PathParam("id") String id) {
        String base = urls.base(request);
        return keys.identify(request).onItem().transformToMulti(caller -> Multi.createFrom().deferred(() -> {
            Diff diff = new Diff();
            return batches.watch(caller, id).onItem().transformToIterable(s -> diff.next(s, base, sse));
        }));
    }

    /** What one stream has told its client so far; a new state becomes the events for what changed. */
    private static final class Diff {
        private final Map<String, String> items = new HashMap<>();
        private String job;

        List<OutboundSseEvent> next(JobService.Snapshot s, String base, Sse sse) {
            List<OutboundSseEvent> events = new ArrayList<>();
            JobView view = JobView.of(s, base);
            boolean first = job == null;
            for (int i = 0; i < s.items().size(); i++) {
                Conversion c = s.items().get(i);
                String state = c.status + "/" + c.progress;
                if (!state.equals(items.put(c.id.toString(), state)) && !first) {
                    events.add(sse.newEventBuilder().name("item")
                            .data(JobView.Item.class, view.items().get(i)).build());
                }
            }
            String jobState = s.job().status + "/" + s.job().completedFiles + "/" + s.job().failedFiles;
            if (!jobState.equals(job)) {
                job = jobState;
                events.add(sse.newEventBuilder().name("status").data(JobView.class, view).build());
            }
            return events;
        }
    }
}
