package dev.pixmill.jobs;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Housekeeping that any replica may do, and several may do at once without harm: re-queue work
 * whose lease expired (its replica died), purge expired results, refresh the backlog gauge.
 */
@ApplicationScoped
public class QueueSweeper {

    private static final Logger LOG = Logger.getLogger(QueueSweeper.class);

    @Inject
    ConversionQueue queue;

    @Inject
    ConversionWorker worker;

    @Inject
    ConversionMetrics metrics;

    @Scheduled(every = "${pixmill.jobs.sweep-every:5s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return recoverLeases().chain(this::purgeExpired)
                .chain(() -> queue.countPending().invoke(metrics::pending).replaceWithVoid())
                .onFailure().invoke(e -> LOG.warnf("queue sweep failed: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    public Uni<Integer> recoverLeases() {
        return queue.recoverExpiredLeases().invoke(n -> {
            if (n > 0) {
                LOG.infof("recovered %d conversions whose lease had expired", n);
                metrics.recovered(n);
                worker.pump();
            }
        });
    }

    public Uni<Integer> purgeExpired() {
        return queue.purgeExpired().invoke(n -> {
            if (n > 0) {
                LOG.debugf("purged %d expired conversions", n);
                metrics.purged(n);
            }
        });
    }
}
