package dev.pixmill.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
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
            Instant revokedAt, String key) {

        static KeyView of(ApiKey k, String secret, ObjectMapper json) {
            JsonNode limits;
            try {
                limits = json.readTree(k.limits);
            } catch (Exception e) {
                limits = null;
            }
            return new KeyView(k.id, k.name, k.prefix, k.plan, limits, k.createdAt, k.revokedAt, secret);
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
                .map(created -> Response.status(201).entity(KeyView.of(created.entity(), created.key(), json)).build());
    }

    @GET
    public Uni<List<KeyView>> list() {
        return keys.list().map(all -> all.stream().map(k -> KeyView.of(k, null, json)).toList());
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> revoke(@PathParam("id") UUID id) {
        return keys.revoke(id).replaceWith(Response.noContent().build());
    }
}
