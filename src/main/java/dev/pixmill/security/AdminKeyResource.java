package dev.pixmill.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.pixmill.web.ErrorBody;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Key management for operators, guarded by the operator token ({@link OperatorTokenFilter}). */
@Path("/api/admin/keys")
@OperatorOnly
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
public class AdminKeyResource {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record KeyView(UUID id, String name, String prefix, String plan, JsonNode limits, Instant createdAt,
            Instant revokedAt, boolean hasWebhookSecret, String key, String webhookSecret) {

        /** {@code secret} and {@code webhookSecret} are given only in the answer that creates the key. */
        static KeyView of(ApiKey k, String secret, String webhookSecret, ObjectMapper json) {
            JsonNode limits;
            try {
                limits = json.readTree(k.limits);
            } catch (Exception e) {
                limits = null;
            }
            return new KeyView(k.id, k.name, k.prefix, k.plan, limits, k.createdAt, k.revokedAt,
                    k.webhookSecret != null, secret, webhookSecret);
        }
    }

    public record CreateKeyRequest(String name, String plan, JsonNode limits) {
    }

    @Inject
    ApiKeyService keys;

    @Inject
    ObjectMapper json;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(CreateKeyRequest request) {
        CreateKeyRequest r = request == null ? new CreateKeyRequest(null, null, null) : request;
        String limits;
        try {
            limits = json.writeValueAsString(KeyLimits.parse(r.limits()).toMap());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return keys.create(r.name(), r.plan(), limits)
                .map(created -> Response.status(201)
                        .entity(KeyView.of(created.entity(), created.key(), created.entity().webhookSecret, json)).build());
    }

    @GET
    public Uni<List<KeyView>> list() {
        return keys.list().map(all -> all.stream().map(k -> KeyView.of(k, null, null, json)).toList());
    }

    /** The answer to a rotation: the key's new webhook secret, shown this once. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record WebhookSecretView(UUID keyId, String webhookSecret) {
    }

    @POST
    @Path("/{id}/webhook-secret")
    @Operation(summary = "Rotate a key's webhook secret", description = "Answers the new whsec_ secret, the only "
            + "time it is shown; every later delivery of the key, retries included, is signed with it. Keys created "
            + "before webhooks existed get their first secret this way.")
    @APIResponse(responseCode = "200", description = "The new secret",
            content = @Content(schema = @Schema(implementation = WebhookSecretView.class)))
    @APIResponse(responseCode = "404", description = "Unknown or revoked key",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<WebhookSecretView> rotateWebhookSecret(@PathParam("id") UUID id) {
        return keys.rotateWebhookSecret(id).map(secret -> new WebhookSecretView(id, secret));
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> revoke(@PathParam("id") UUID id) {
        return keys.revoke(id).replaceWith(Response.noContent().build());
    }
}
