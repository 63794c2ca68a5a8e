package dev.pixmill.jobs;

import dev.pixmill.storage.DatabaseSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Cross-replica signals over PostgreSQL LISTEN/NOTIFY on one dedicated connection per replica:
 * "there is work" wakes the workers at once (no polling latency), and "conversion X changed"
 * feeds the SSE streams, whichever replica made the change.
 */
@ApplicationScoped
public class ConversionEvents {

    private static final Logger LOG = Logger.getLogger(ConversionEvents.class);

    @Inject
    Vertx vertx;

    @Inject
    DatabaseSettings database;

    private final BroadcastProcessor<UUID> changes = BroadcastProcessor.create();
    private final List<Runnable> workListeners = new CopyOnWriteArrayList<>();
    private PgSubscriber subscriber;

    void start(@Observes @Priority(50) StartupEvent event) {
        subscriber = PgSubscriber.subscriber(vertx, database.connectOptions()).reconnectPolicy(retries -> 500L);
        subscriber.channel(ConversionQueue.STATUS_CHANNEL).handler(this::onStatus);
        subscriber.channel(ConversionQueue.WORK_CHANNEL).handler(payload -> workListeners.forEach(Runnable::run));
        subscriber.connect().await().atMost(Duration.ofSeconds(30));
    }

    void stop(@Observes ShutdownEvent event) {
        if (subscriber != null) {
            subscriber.closeAndAwait();
        }
    }

    /** Ids of conversions whose state changed, on any replica, from now on. */
    public Multi<UUID> changes() {
        return changes;
    }

    public void onWorkAvailable(Runnable listener) {
        workListeners.add(listener);
    }

    /**
     * Runs {@code listener} on every NOTIFY of another channel (e.g. new webhook deliveries), from
     * any replica, from now on; on the same connection. Call it after start-up.
     */
    public void listen(String channel, Runnable listener) {
        subscriber.channel(channel).handler(payload -> listener.run());
    }

    private void onStatus(String payload) {
        try {
            changes.onNext(UUID.fromString(payload));
        } catch (IllegalArgumentException e) {
            LOG.debugf("ignoring malformed status notification %s", payload);
        }
    }
}
