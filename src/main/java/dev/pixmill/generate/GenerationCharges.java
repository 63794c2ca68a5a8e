package dev.pixmill.generate;

import dev.pixmill.jobs.FailedWorkListener;
import dev.pixmill.security.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

/**
 * THE CREDIT SEAM OF IMAGE GENERATION, AND NOT A LEDGER. Standard images cost 1 credit, premium
 * ones 5 ({@link Model#creditsPerImage()}), charged when they are asked for and refunded for each
 * image that fails. Until the credit ledger is merged both methods are deliberate no-op
 * pass-throughs; the integrator replaces their bodies with the ledger's calls (marked LEDGER).
 * Both run inside the transaction that queues or fails the images, so a charge that fails
 * (insufficient credits: the ledger's 402) queues nothing, and a refund happens exactly once.
 */
@ApplicationScoped
public class GenerationCharges {

    /** One image being queued: its row (the ledger's reference for the charge) and its price. */
    public record ChargedImage(UUID row, String imageId, int credits) {
    }

    /**
     * Charges {@code caller} for {@code images} ({@code request.credits()} in all), inside the
     * transaction {@code tx} that queues them; fails (402) to refuse the request.
     */
    public Uni<Void> charge(SqlClient tx, Caller caller, GenerationRequest request, List<ChargedImage> images) {
        // LEDGER: return ledger.charge(tx, caller.keyId(), request.credits(),
        //         "image generation: " + images.size() + " " + request.model().id() + " image(s)",
        //         images.stream().map(ChargedImage::row).toList());
        return Uni.createFrom().voidItem();
    }

    /**
     * Gives back what a failed image cost ({@code image.credits()}, recorded on its row when it was
     * charged), inside the transaction {@code tx} that failed it, whichever path failed it.
     */
    public Uni<Void> refund(SqlClient tx, FailedWorkListener.FailedRow image) {
        // LEDGER: return ledger.refund(tx, keyIdOf(image.owner()), image.credits(),
        //         "image generation failed (" + image.errorCode() + ")", image.id());
        return Uni.createFrom().voidItem();
    }
}
