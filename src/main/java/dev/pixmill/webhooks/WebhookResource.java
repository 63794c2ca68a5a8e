package dev.pixmill.webhooks;

import dev.pixmill.security.ApiKeyService;
import dev.pixmill.web.ErrorBody;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A key's own webhooks: its signing secret and its recent deliveries. API keys only. */
@Path("/api/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks")
public class WebhookResource {

    @Inject
    WebhookService service;

    @Inject
    ApiKeyService keys;

    @POST
    @Path("/secret")
    @Operation(summary = "Rotate the calling key's webhook secret", description = "Answers the new whsec_ secret, "
            + "the only time it is shown. Every later try of the key's deliveries, retries of earlier events "
            + "included, is signed with it; the old secret no longer verifies.")
    @APIResponse(responseCode = "200", description = "The new secret",
            content = @Content(schema = @Schema(implementation = DeliveryView.Secret.class)))
    @APIResponse(responseCode = "401", description = "No API key, or an invalid or revoked one",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<DeliveryView.Secret> rotateSecret(@Context HttpServerRequest request) {
        return keys.identify(request)
                .chain(caller -> service.rotateSecret(caller))
                .map(DeliveryView.Secret::new);
    }

    @GET
    @Path("/deliveries")
    @Operation(summary = "The calling key's recent webhook deliveries", description = "Newest first: state "
            + "(pending, delivered, failed), tries, the last status code, error and start of the answer, the next "
            + "try. Only the calling key's deliveries.")
    @APIResponse(responseCode = "200", description = "The deliveries",
            content = @Content(schema = @Schema(implementation = DeliveryView.Page.class)))
    @APIResponse(responseCode = "400", description = "limit out of range",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", description = "No API key, or an invalid or revoked one",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<DeliveryView.Page> deliveries(@Context HttpServerRequest request,
            @Parameter(description = "How many, 1-100 (default 50)") @QueryParam("limit") String limit) {
        return keys.identify(request)
                .chain(caller -> service.deliveries(caller, limit))
                .map(listed -> new DeliveryView.Page(listed.stream().map(DeliveryView::of).toList()));
    }
}
