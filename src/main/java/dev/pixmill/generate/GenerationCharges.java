package dev.pixmill.generate;

import dev.pixmill.accounts.CreditLedger;
import dev.pixmill.security.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.UUID;

/**
 * What image generation costs: standard images 1 credit, premium ones 5
 * ({@link Model#creditsPerImage()}), charged through the one credit ledger when they are asked
 * for, inside the transaction that queues them, so a charge that fails (insufficient credits:
 * 402) queues nothing. Each image's row carries its cost ({@code conversions.credits}), so an
 * image that fails, by whichever path, is refunded by the V7 trigger in the transaction that
 * fails it, like every charged conversion.
 */
@ApplicationScoped
public class GenerationCharges {

    /** One image being queued: its row (the ledger's subject for the charge) and its price. */
    public record ChargedImage(UUID row, String imageId, int credits) {
    }

    @Inject
    CreditLedger ledger;

    /** Charges {@code caller} for {@code images}, all or nothing, inside the transaction {@code tx} that queues them. */
    public Uni<Void> charge(SqlClient tx, Caller caller, GenerationRequest request, List<ChargedImage> images) {
        String reason = "image generation, " + request.model().id() + " " + request.size().width() + "x"
                + request.size().height();
        return ledger.charge(tx, caller.keyId(), images.stream()
                        .map(i -> new CreditLedger.Charge(i.credits(), reason, i.row())).toList())
                .replaceWithVoid();
    }
}
