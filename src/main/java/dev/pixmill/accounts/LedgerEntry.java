package dev.pixmill.accounts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One movement of a key's credits, as the ledger keeps it.
 *
 * @param kind         {@code grant} (at creation), {@code top_up} (by the operator), {@code charge}, {@code refund}
 * @param amount       what it did to the balance: negative for a charge, positive otherwise
 * @param balanceAfter the key's balance right after this movement
 * @param subjectId    the task or image a charge paid for (and its refund gave back); null otherwise
 * @param refundOf     the id of the charge a refund undoes
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LedgerEntry(long id, UUID keyId, String kind, long amount, long balanceAfter, String reason,
        UUID subjectId, Long refundOf, Instant createdAt) {

    public static final String GRANT = "grant";
    public static final String TOP_UP = "top_up";
    public static final String CHARGE = "charge";
    public static final String REFUND = "refund";

    /** A row of {@code credit_ledger} (or of a function answering one). */
    static LedgerEntry of(Row row) {
        OffsetDateTime created = row.getOffsetDateTime("created_at");
        return new LedgerEntry(row.getLong("id"), row.getUUID("key_id"), row.getString("kind"),
                row.getLong("amount"), row.getLong("balance_after"), row.getString("reason"),
                row.getUUID("subject_id"), row.getLong("refund_of"), created == null ? null : created.toInstant());
    }
}
