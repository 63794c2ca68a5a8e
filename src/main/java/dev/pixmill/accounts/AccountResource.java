package dev.pixmill.accounts;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.pixmill.error.UnauthorizedException;
import dev.pixmill.security.ApiKeyService;
import dev.pixmill.security.Caller;
import dev.pixmill.web.ErrorBody;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

/** A key reads its own plan, credits and ledger (the key in any of the accepted forms). */
@Path("/api/v1/account")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Account")
public class AccountResource {

    /** The caller's own account: no secrets, the latest ledger entries newest first. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AccountView(UUID keyId, String name, String prefix, String plan, long credits,
            List<LedgerEntry> ledger) {
    }

    @Inject
    ApiKeyService keys;

    @Inject
    AccountService accounts;

    @GET
    @Operation(summary = "The calling key's plan and credits", description = "Credits balance and the latest 20 "
            + "ledger entries (grants, top-ups, charges with the task or image they paid for, refunds).")
    @APIResponse(responseCode = "200", description = "The account",
            content = @Content(schema = @Schema(implementation = AccountView.class)))
    @APIResponse(responseCode = "401", description = "No key, or an invalid or revoked key",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<AccountView> account(@Context HttpServerRequest request) {
        return keyHolder(request).chain(caller -> accounts.show(caller.keyId()))
                .map(a -> new AccountView(a.key().id, a.key().name, a.key().prefix, a.key().plan, a.credits(),
                        a.recent()));
    }

    @GET
    @Path("/ledger")
    @Operation(summary = "The calling key's credit ledger", description = "Newest first, limit entries (1-200, "
            + "default 50); before=<entry id> gives the next page, as next_before says.")
    @APIResponse(responseCode = "200", description = "A page of the ledger",
            content = @Content(schema = @Schema(implementation = AccountService.LedgerPage.class)))
    @APIResponse(responseCode = "401", description = "No key, or an invalid or revoked key",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<AccountService.LedgerPage> ledger(@Context HttpServerRequest request,
            @QueryParam("limit") @DefaultValue("50") int limit, @QueryParam("before") Long before) {
        return keyHolder(request).chain(caller -> accounts.ledger(caller.keyId(), limit, before));
    }

    private Uni<Caller> keyHolder(HttpServerRequest request) {
        return keys.identify(request).invoke(caller -> {
            if (caller.anonymous()) {
                throw new UnauthorizedException("missing_api_key", "an API key is required to read its account");
            }
        });
    }
}
