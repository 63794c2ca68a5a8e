package dev.pixmill.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.pixmill.accounts.AccountService;
import dev.pixmill.accounts.CreditLedger;
import dev.pixmill.accounts.LedgerEntry;
import dev.pixmill.accounts.UsageCounters;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.web.ErrorBody;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Key management for operators, guarded by the operator token ({@link OperatorTokenFilter}): keys,
 * their plan, limits and credits ({@link AccountService}, which the command line uses too).
 */
@Path("/api/admin/keys")
@OperatorOnly
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
public class AdminKeyResource {

    /**
     * A key as the operator sees it. {@code key} and {@code webhookSecret} are given only in the
     * answer that creates the key; {@code credits} is its balance; {@code ledger} (latest entries,
     * newest first) and {@code usage} only in the view of one key.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record KeyView(UUID id, String name, String prefix, String plan, JsonNode limits, Instant createdAt,
            Instant revokedAt, boolean hasWebhookSecret, String key, String webhookSecret, Long credits,
            List<LedgerEntry> ledger, UsageCounters.Usage usage) {

        public static KeyView of(ApiKey k, String secret, String webhookSecret, ObjectMapper json) {
            return of(k, secret, webhookSecret, null, null, null, json);
        }

        public static KeyView of(ApiKey k, String secret, String webhookSecret, Long credits,
                List<LedgerEntry> ledger, UsageCounters.Usage usage, ObjectMapper json) {
            JsonNode limits;
            try {
                limits = json.readTree(k.limits);
            } catch (Exception e) {
                limits = null;
            }
            return new KeyView(k.id, k.name, k.prefix, k.plan, limits, k.createdAt, k.revokedAt,
                    k.webhookSecret != null, secret, webhookSecret, credits, ledger, usage);
        }

        public static KeyView of(AccountService.Created created, ObjectMapper json) {
            return of(created.key(), created.secret(), created.key().webhookSecret, created.credits(), null, null, json);
        }

        public static KeyView of(AccountService.Listed listed, ObjectMapper json) {
            return of(listed.key(), null, null, listed.credits(), null, null, json);
        }

        public static KeyView of(AccountService.Account account, ObjectMapper json) {
            return of(account.key(), null, null, account.credits(), account.recent(), account.usage(), json);
        }
    }

    /** {@code credits}: what the key starts with; the plan's configured amount when absent. */
    public record CreateKeyRequest(String name, String plan, JsonNode limits, JsonNode credits) {
    }

    /** A top-up: {@code amount} credits (1 or more) and why, for the ledger. */
    public record TopUpRequest(JsonNode amount, String reason) {
    }

    /** The answer to a top-up: the key's balance now and the ledger entry. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TopUpView(UUID keyId, long credits, LedgerEntry entry) {
    }

    @Inject
    AccountService accounts;

    @Inject
    ObjectMapper json;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a key", description = "{name, plan (free|professional), limits, credits}; credits "
            + "defaults to the plan's initial credits (pixmill.credits.initial.*). Answers 201 with the key and its "
            + "webhook secret, the only time they are shown.")
    public Uni<Response> create(CreateKeyRequest request) {
        CreateKeyRequest r = request == null ? new CreateKeyRequest(null, null, null, null) : request;
        Long credits = r.credits() == null || r.credits().isNull() ? null
                : whole(r.credits(), "credits", 0, CreditLedger.MAX_MOVEMENT);
        return accounts.create(r.name(), r.plan(), r.limits(), credits)
                .map(created -> Response.status(201).entity(KeyView.of(created, json)).build());
    }

    @GET
    @Operation(summary = "List keys", description = "Every key, oldest first, without secrets, with its credits.")
    public Uni<List<KeyView>> list() {
        return accounts.list().map(all -> all.stream().map(k -> KeyView.of(k, json)).toList());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Show a key with its credits and usage", description = "Plan, limits, credits balance, the "
            + "latest 20 ledger entries (newest first) and today's usage. usage.requests_today and "
            + "usage.conversions_today are null when nothing counts them (usage.counted_by says so).")
    @APIResponse(responseCode = "200", description = "The key",
            content = @Content(schema = @Schema(implementation = KeyView.class)))
    @APIResponse(responseCode = "404", description = "Unknown key",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<KeyView> show(@PathParam("id") UUID id) {
        return accounts.show(id).map(account -> KeyView.of(account, json));
    }

    @GET
    @Path("/{id}/ledger")
    @Operation(summary = "A key's credit ledger", description = "Newest first, limit entries (1-200, default 50); "
            + "before=<entry id> gives the next page, as next_before says.")
    public Uni<AccountService.LedgerPage> ledger(@PathParam("id") UUID id,
            @QueryParam("limit") @DefaultValue("50") int limit, @QueryParam("before") Long before) {
        return accounts.ledger(id, limit, before);
    }

    @POST
    @Path("/{id}/credits")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Top up a key's credits", description = "{amount (1 to 1000000000), reason (required)}; "
            + "answers the new balance and the ledger entry.")
    @APIResponse(responseCode = "200", description = "Added",
            content = @Content(schema = @Schema(implementation = TopUpView.class)))
    @APIResponse(responseCode = "400", description = "Amount or reason missing or invalid",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "Unknown key",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "409", description = "Revoked key",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<TopUpView> topUp(@PathParam("id") UUID id, TopUpRequest request) {
        TopUpRequest r = request == null ? new TopUpRequest(null, null) : request;
        if (r.amount() == null || r.amount().isNull()) {
            throw new BadRequestException("invalid_parameter", "amount is required");
        }
        long amount = whole(r.amount(), "amount", 1, CreditLedger.MAX_MOVEMENT);
        return accounts.topUp(id, amount, r.reason()).map(entry -> new TopUpView(id, entry.balanceAfter(), entry));
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a key's name, plan or limits", description = "{name, plan, limits}, each optional; "
            + "limits replaces the key's overrides as a whole (null or {} clears them). Credits do not change.")
    @APIResponse(responseCode = "200", description = "The key as it is now",
            content = @Content(schema = @Schema(implementation = KeyView.class)))
    @APIResponse(responseCode = "409", description = "Revoked key",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<KeyView> update(@PathParam("id") UUID id, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new BadRequestException("invalid_parameter", "the body must be a JSON object of name, plan, limits");
        }
        for (var names = body.fieldNames(); names.hasNext();) {
            String field = names.next();
            if (!Set.of("name", "plan", "limits").contains(field)) {
                throw new BadRequestException("invalid_parameter", field + " cannot be changed; name, plan and limits can");
            }
        }
        return accounts.update(id, text(body, "name"), text(body, "plan"), body.get("limits"), body.has("limits"))
                .map(listed -> KeyView.of(listed, json));
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
        return accounts.rotateWebhookSecret(id).map(secret -> new WebhookSecretView(id, secret));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke a key", description = "From now on the key is refused (401); its credits and "
            + "ledger stay for the record. Answers 204, also for a key revoked before.")
    public Uni<Response> revoke(@PathParam("id") UUID id) {
        return accounts.revoke(id).replaceWith(Response.noContent().build());
    }

    private static long whole(JsonNode value, String name, long min, long max) {
        if (!value.isNumber() || !value.canConvertToExactIntegral() || !value.canConvertToLong()
                || value.asLong() < min || value.asLong() > max) {
            throw new BadRequestException("invalid_parameter",
                    name + " must be a whole number from " + min + " to " + max + ", not " + value);
        }
        return value.asLong();
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new BadRequestException("invalid_parameter", field + " must be a string");
        }
        return value.asText();
    }
}
