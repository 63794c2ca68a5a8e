package dev.pixmill.generate;

import dev.pixmill.accounts.CreditLedger;
import dev.pixmill.jobs.FailedWorkListener;
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
 * for and refunded for each image that fails. Both run inside the transaction that queues or
 * fails the images, so a charge that fails (insufficient credits: 402) queues nothing, and a
 * refund happens exactly once (the ledger refunds a subject once, whoever asks first: this or
 * the V7 trigger on a failed row that carries a cost).
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

    /** Gives back what a failed image cost, inside the transaction {@code tx} that failed it, whichever path failed it. */
    public Uni<Void> refund(SqlClient tx, FailedWorkListener.FailedRow image) {
        return ledger.refund(tx, image.id(), "image generation failed (" + image.errorCode() + ")").replaceWithVoid();
    }
}
