package dev.pixmill.webhooks;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * The scheduler's tick for webhooks, harmless on any number of replicas at once: it wakes the
 * sender (deliveries left by a restart or a dead replica, whose NOTIFY nobody heard, are due), fails
 * deliveries whose last try was lost with its replica, and deletes ended deliveries past retention.
 */
@ApplicationScoped
public class WebhookSweeper {

    private static final Logger LOG = Logger.getLogger(WebhookSweeper.class);

    @Inject
    WebhookQueue queue;

    @Inject
    WebhookSender sender;

    @Inject
    WebhookConfig config;

    @Scheduled(every = "${pixmill.webhooks.poll-interval:15s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return sweep()
                .onFailure().invoke(e -> LOG.warnf("webhook sweep failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .invoke(sender::pump);
    }

    /** One sweep; the sender is woken by {@link #tick()} after it. */
    public Uni<Void> sweep() {
        return queue.failAbandoned(config.maxAttempts())
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("failed %d webhook deliveries whose last try was lost with its replica", n);
                    }
                })
                .chain(() -> queue.purgeEnded(config.retention()))
                .invoke(n -> LOG.debugf("purged %d ended webhook deliveries", n))
                .replaceWithVoid();
    }
}
