package dev.pixmill.accounts;

import dev.pixmill.error.BadRequestException;
import dev.pixmill.error.ConflictException;
import dev.pixmill.error.InsufficientCreditsException;
import dev.pixmill.error.NotFoundException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.hibernate.reactive.mutiny.Mutiny;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The credits of API keys: one balance per key and a ledger of every movement. Every change goes
 * through the SQL functions of migration V7 ({@code credit_add}, {@code credit_charge},
 * {@code credit_refund}), which take a charge with one conditional UPDATE ({@code balance >= n})
 * and write its ledger row in the same transaction. Concurrent charges of one key, on any replica,
 * wait for each other on the balance row and re-check it, so none overdraws; a subject (the task
 * or image a charge pays for) is charged at most once and refunded at most once.
 *
 * <p>For dialects that charge: call {@link #charge(SqlClient, UUID, List)} in the transaction
 * that stores the work (then a refused charge stores nothing, and stored work is always paid for),
 * or {@link #charge(UUID, long, String, UUID)} on its own; give back with {@link #refund(UUID, String)}
 * when the work fails. Charged conversions (those with {@code conversions.credits}) are refunded
 * by a trigger when they fail, whichever path fails them.
 */
@ApplicationScoped
public class CreditLedger {

    /** One charge: {@code amount} credits for {@code subjectId} (a task or image id), with a reason. */
    public record Charge(long amount, String reason, UUID subjectId) {
    }

    /** More than this at once is refused as a mistake (and keeps every sum far from overflow). */
    public static final long MAX_MOVEMENT = 1_000_000_000L;
    public static final int MAX_REASON = 500;
    private static final String CHARGE_INDEX = "credit_ledger_one_charge_idx";

    @Inject
    Pool pool;

    /** The key an owner ({@code key:<uuid>}, see {@link dev.pixmill.security.Caller}) stands for; empty for anonymous owners. */
    public static Optional<UUID> keyOfOwner(String owner) {
        if (owner == null || !owner.startsWith("key:")) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(owner.substring(4)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Charges {@code amount} for {@code subjectId} in a transaction of its own. */
    public Uni<LedgerEntry> charge(UUID keyId, long amount, String reason, UUID subjectId) {
        return pool.withTransaction(tx -> charge(tx, keyId, List.of(new Charge(amount, reason, subjectId))))
                .map(List::getFirst);
    }

    /**
     * Charges all of {@code charges} to the key in {@code tx}, or none: their total is taken in one
     * conditional UPDATE. Fails with {@link InsufficientCreditsException} (402) when the balance is
     * short, and with {@link ConflictException} {@code already_charged} when a subject was charged
     * before; the transaction should then be rolled back (nothing of this call was written).
     */
    public Uni<List<LedgerEntry>> charge(SqlClient tx, UUID keyId, List<Charge> charges) {
        if (charges.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Long[] amounts = new Long[charges.size()];
        String[] reasons = new String[charges.size()];
        UUID[] subjects = new UUID[charges.size()];
        long total = 0;
        for (int i = 0; i < charges.size(); i++) {
            Charge c = charges.get(i);
            if (c.amount() < 1 || c.amount() > MAX_MOVEMENT || c.subjectId() == null) {
                throw new IllegalArgumentException("a charge is 1 to " + MAX_MOVEMENT + " credits for a subject: " + c);
            }
            amounts[i] = c.amount();
            reasons[i] = reason(c.reason());
            subjects[i] = c.subjectId();
            total += c.amount();
        }
        long needed = total;
        return tx.preparedQuery("select * from credit_charge($1, $2::bigint[], $3::text[], $4::uuid[])")
                .execute(Tuple.of(keyId, amounts, reasons, subjects))
                .onFailure(CreditLedger::duplicateCharge)
                .transform(e -> new ConflictException("already_charged", "this was paid for already"))
                .chain(rows -> rows.size() > 0 ? Uni.createFrom().item(entries(rows))
                        : balance(tx, keyId).onItem().transformToUni(balance -> Uni.createFrom()
                                .<List<LedgerEntry>>failure(new InsufficientCreditsException(needed, balance))));
    }

    /** Gives back the charge of {@code subjectId} in a transaction of its own; see {@link #refund(SqlClient, UUID, String)}. */
    public Uni<Optional<LedgerEntry>> refund(UUID subjectId, String reason) {
        return pool.withTransaction(tx -> refund(tx, subjectId, reason));
    }

    /**
     * Gives back the whole charge of {@code subjectId}, once: empty when it was never charged or
     * is refunded already (so calling it again, or racing another refund, gives nothing twice).
     */
    public Uni<Optional<LedgerEntry>> refund(SqlClient tx, UUID subjectId, String reason) {
        return tx.preparedQuery("select * from credit_refund($1, $2)").execute(Tuple.of(subjectId, reason(reason)))
                .map(rows -> entries(rows).stream().findFirst());
    }

    /**
     * Adds credits to an active key on the operator's word, with the reason the ledger keeps.
     * 404 for an unknown key, 409 {@code key_revoked} for a revoked one.
     */
    public Uni<LedgerEntry> topUp(UUID keyId, long amount, String reason) {
        if (amount < 1 || amount > MAX_MOVEMENT) {
            throw new BadRequestException("invalid_parameter",
                    "amount must be a whole number from 1 to " + MAX_MOVEMENT + ", not " + amount);
        }
        if (reason == null || reason.isBlank()) {
            throw new BadRequestException("invalid_parameter", "reason is required: the ledger keeps why credits were added");
        }
        if (reason.strip().length() > MAX_REASON) {
            throw new BadRequestException("invalid_parameter", "reason must be at most " + MAX_REASON + " characters");
        }
        return pool.withTransaction(tx -> tx.preparedQuery("select revoked_at from api_keys where id = $1")
                .execute(Tuple.of(keyId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw new NotFoundException("not_found", "no key " + keyId);
                    }
                    if (rows.iterator().next().getValue("revoked_at") != null) {
                        throw new ConflictException("key_revoked", "key " + keyId + " is revoked; its credits cannot change");
                    }
                    return tx.preparedQuery("select * from credit_add($1, $2, 'top_up', $3)")
                            .execute(Tuple.of(keyId, amount, reason.strip()));
                })
                .map(rows -> entries(rows).getFirst()));
    }

    /**
     * Gives a new key its initial credits in the Hibernate transaction that creates it (the key
     * row must be flushed first); 0 gives it an empty balance and no ledger entry.
     */
    Uni<Void> grant(Mutiny.Session session, UUID keyId, long amount, String reason) {
        return session.createNativeQuery("select id from credit_add(:key, :amount, 'grant', :reason)", Long.class)
                .setParameter("key", keyId)
                .setParameter("amount", amount)
                .setParameter("reason", reason(reason))
                .getResultList()
                .replaceWithVoid();
    }

    /** The key's balance; 0 for a key that never had credits. */
    public Uni<Long> balance(UUID keyId) {
        return balance(pool, keyId);
    }

    private static Uni<Long> balance(SqlClient client, UUID keyId) {
        return client.preparedQuery("select balance from credit_balances where key_id = $1").execute(Tuple.of(keyId))
                .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0));
    }

    /** Every key's balance (keys without one are absent). */
    public Uni<Map<UUID, Long>> balances() {
        return pool.query("select key_id, balance from credit_balances").execute().map(rows -> {
            Map<UUID, Long> all = new HashMap<>();
            rows.forEach(row -> all.put(row.getUUID(0), row.getLong(1)));
            return all;
        });
    }

    /** The key's movements, newest first: at most {@code limit}, older than entry {@code before} when given. */
    public Uni<List<LedgerEntry>> entries(UUID keyId, int limit, Long before) {
        return pool.preparedQuery("""
                        select * from credit_ledger where key_id = $1 and ($2::bigint is null or id < $2)
                        order by id desc limit $3""")
                .execute(Tuple.of(keyId, before, limit))
                .map(CreditLedger::entries);
    }

    /** Ledger reasons are bounded (500 characters) and never empty. */
    private static String reason(String reason) {
        String r = reason == null || reason.isBlank() ? "unspecified" : reason.strip();
        if (r.length() <= MAX_REASON) {
            return r;
        }
        int cut = Character.isHighSurrogate(r.charAt(MAX_REASON - 1)) ? MAX_REASON - 1 : MAX_REASON;
        return r.substring(0, cut);
    }

    private static List<LedgerEntry> entries(RowSet<Row> rows) {
        List<LedgerEntry> all = new ArrayList<>();
        for (Row row : rows) {
            if (row.getValue("id") != null) { // a function answering "nothing" gives one row of nulls
                all.add(LedgerEntry.of(row));
            }
        }
        return all;
    }

    private static boolean duplicateCharge(Throwable e) {
        return e instanceof PgException pg && "23505".equals(pg.getSqlState()) && CHARGE_INDEX.equals(pg.getConstraint());
    }
}
