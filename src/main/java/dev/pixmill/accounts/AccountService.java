package dev.pixmill.accounts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.security.ApiKey;
import dev.pixmill.security.ApiKeyService;
import dev.pixmill.security.KeyLimits;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the operator does with keys, from the admin API and the command line alike: keys with
 * their plan, limits and credits, the ledger, usage. Keys themselves are {@link ApiKeyService}'s,
 * credits {@link CreditLedger}'s; this puts them together.
 */
@ApplicationScoped
public class AccountService {

    /** Ledger entries shown with a key. */
    public static final int RECENT_ENTRIES = 20;
    public static final int MAX_PAGE = 200;

    /** A new key with its secret (shown this once) and the credits it starts with. */
    public record Created(ApiKey key, String secret, long credits) {
    }

    /** A key and its balance. */
    public record Listed(ApiKey key, long credits) {
    }

    /** A key with its balance, its latest ledger entries (newest first) and today's usage. */
    public record Account(ApiKey key, long credits, List<LedgerEntry> recent, UsageCounters.Usage usage) {
    }

    /** One page of a key's ledger, newest first; {@code nextBefore} asks for the page after it (null at the end). */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(
            com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LedgerPage(List<LedgerEntry> entries, Long nextBefore) {
    }

    @Inject
    ApiKeyService keys;

    @Inject
    CreditLedger ledger;

    @Inject
    CreditsConfig config;

    @Inject
    UsageCounters usage;

    @Inject
    ObjectMapper json;

    /**
     * Creates a key in one transaction with its initial credits: {@code credits} when given, else
     * the configured amount of its plan ({@code pixmill.credits.initial.*}).
     */
    @WithTransaction
    public Uni<Created> create(String name, String plan, JsonNode limits, Long credits) {
        if (credits != null && (credits < 0 || credits > CreditLedger.MAX_MOVEMENT)) {
            throw new BadRequestException("invalid_parameter",
                    "credits must be a whole number from 0 to " + CreditLedger.MAX_MOVEMENT + ", not " + credits);
        }
        String storedLimits = limitsJson(limits);
        return keys.create(name, plan, storedLimits).call(created -> {
            long initial = credits != null ? credits : initialCredits(created.entity().plan);
            String reason = credits != null ? "initial credits, given at creation"
                    : "initial credits of the " + created.entity().plan + " plan";
            return Panache.getSession().chain(session -> session.flush()
                    .chain(() -> ledger.grant(session, created.entity().id, initial, reason)));
        }).map(created -> new Created(created.entity(), created.key(),
                credits != null ? credits : initialCredits(created.entity().plan)));
    }

    /** Every key, oldest first, with its balance. */
    public Uni<List<Listed>> list() {
        return keys.list().chain(all -> ledger.balances().map(balances -> all.stream()
                .map(k -> new Listed(k, balances.getOrDefault(k.id, 0L))).toList()));
    }

    /** One key, active or revoked, with its balance, latest entries and usage; 404 when unknown. */
    public Uni<Account> show(UUID id) {
        return keys.find(id).chain(key -> Uni.combine().all()
                .unis(ledger.balance(id), ledger.entries(id, RECENT_ENTRIES, null), usage.today(id))
                .with((balance, recent, today) -> new Account(key, balance, recent, today)));
    }

    /** A page of the key's ledger; {@code limit} 1-200. */
    public Uni<LedgerPage> ledger(UUID id, int limit, Long before) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new BadRequestException("invalid_parameter", "limit must be from 1 to " + MAX_PAGE + ", not " + limit);
        }
        return keys.find(id).chain(key -> ledger.entries(id, limit, before))
                .map(entries -> new LedgerPage(entries, entries.size() == limit ? entries.getLast().id() : null));
    }

    /** Adds credits to an active key; answers the ledger entry (its {@code balance_after} is the new balance). */
    public Uni<LedgerEntry> topUp(UUID id, long amount, String reason) {
        return ledger.topUp(id, amount, reason);
    }

    /**
     * Changes the name, plan or limits of an active key (each when not null; limits replace the
     * key's overrides as a whole). Credits stay as they are when the plan changes.
     */
    public Uni<Listed> update(UUID id, String name, String plan, JsonNode limits, boolean limitsGiven) {
        return keys.update(id, name, plan, limitsGiven ? limitsJson(limits) : null)
                .chain(key -> ledger.balance(id).map(balance -> new Listed(key, balance)));
    }

    /** The key's new webhook secret, shown this once. */
    public Uni<String> rotateWebhookSecret(UUID id) {
        return keys.rotateWebhookSecret(id);
    }

    /** Revokes the key (again is a no-op); its credits and ledger stay for the record. */
    public Uni<ApiKey> revoke(UUID id) {
        return keys.revoke(id);
    }

    /** The initial credits of a key of {@code plan}. */
    public long initialCredits(String plan) {
        return "professional".equals(plan) ? config.initial().professional() : config.initial().free();
    }

    /** Validated limits (400 naming the problem) as they are stored. */
    String limitsJson(JsonNode limits) {
        Map<String, Object> parsed = KeyLimits.parse(limits).toMap();
        try {
            return json.writeValueAsString(parsed);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
