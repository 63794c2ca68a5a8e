package dev.pixmill.jobs;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

import java.util.UUID;

/**
 * Told, inside the transaction that fails a row, that it failed, whichever path failed it: its
 * handler's verdict, a kind no handler runs, or lease recovery giving up after the last try. What
 * it writes with {@code tx} commits or rolls back with the failure itself (e.g. a refund), so it
 * happens exactly once. Called for every kind; a listener picks the kinds it cares about.
 */
public interface FailedWorkListener {

    /** @param credits the cost recorded when the row was queued, or null */
    record FailedRow(UUID id, String kind, String owner, Integer credits, String errorCode) {
    }

    Uni<Void> failed(SqlClient tx, FailedRow row);
}
