package dev.pixmill.generate;

import dev.pixmill.jobs.FailedWorkListener;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A generated image that fails, by any path (provider, engine, lease recovery giving up), is refunded. */
@ApplicationScoped
public class GenerationRefunds implements FailedWorkListener {

    @Inject
    GenerationCharges charges;

    @Override
    public Uni<Void> failed(SqlClient tx, FailedRow row) {
        if (!GenerationHandler.KIND.equals(row.kind()) || row.credits() == null || row.credits() <= 0) {
            return Uni.createFrom().voidItem();
        }
        return charges.refund(tx, row);
    }
}
