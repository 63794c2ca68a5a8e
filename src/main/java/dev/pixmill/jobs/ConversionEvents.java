package dev.pixmill.jobs;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
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

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String reactiveUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String username;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    private final BroadcastProcessor<UUID> changes = BroadcastProcessor.create();
    private final List<Runnable> workListeners = new CopyOnWriteArrayList<>();
    private PgSubscriber subscriber;

    void start(@Observes @Priority(50) StartupEvent event) {
        PgConnectOptions options = PgConnectOptions.fromUri(reactiveUrl.split(",")[0].trim())
                .setUser(username).setPassword(password);
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 500L);
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

    private void onStatus(String payload) {
        try {
            changes.onNext(UUID.fromString(payload));
        } catch (IllegalArgumentException e) {
            LOG.debugf("ignoring malformed status notification %s", payload);
        }
    }
}
