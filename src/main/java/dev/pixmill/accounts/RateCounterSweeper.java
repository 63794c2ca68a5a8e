package dev.pixmill.accounts;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Deletes the rate counters of past UTC days, so the table holds one row per caller seen today.
 * Harmless on any number of replicas at once (a row of a past day is counted from zero anyway).
 */
@ApplicationScoped
public class RateCounterSweeper {

    private static final Logger LOG = Logger.getLogger(RateCounterSweeper.class);

    @Inject
    RateCounters counters;

    @Scheduled(every = "${pixmill.limits.sweep-every:1H}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return counters.purgePastDays()
                .invoke(n -> LOG.debugf("purged %d rate counters of past days", n))
                .onFailure().invoke(e -> LOG.warnf("rate counter sweep failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
