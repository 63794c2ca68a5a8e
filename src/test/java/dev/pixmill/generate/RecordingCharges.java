package dev.pixmill.generate;

import dev.pixmill.error.ForbiddenException;
import dev.pixmill.security.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The credit seam as the tests see it: every charge and refund is recorded, then passed on; a
 * charge for an owner the test refuses fails inside the queueing transaction (as the ledger's 402 will).
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class RecordingCharges extends GenerationCharges {

    public record Charge(String owner, int credits, int images, Model model, List<ChargedImage> charged) {
    }

    final List<Charge> charges = new CopyOnWriteArrayList<>();
    final Set<String> refused = ConcurrentHashMap.newKeySet();

    @Override
    public Uni<Void> charge(SqlClient tx, Caller caller, GenerationRequest request, List<ChargedImage> images) {
        if (refused.contains(caller.owner())) {
            return Uni.createFrom().failure(new ForbiddenException("test_refusal", "refused by the test"));
        }
        charges.add(new Charge(caller.owner(), request.credits(), images.size(), request.model(), images));
        return super.charge(tx, caller, request, images);
    }

    // methods, not fields, for the tests: they see this bean through its client proxy

    void refuse(String owner) {
        refused.add(owner);
    }

    List<Charge> chargesOf(String owner) {
        return charges.stream().filter(c -> c.owner().equals(owner)).toList();
    }
}
