package dev.pixmill.storage;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Keeps the result cache within its TTL and size: one replica a period does it (ResultCache#evict). */
@ApplicationScoped
public class ResultCacheSweeper {

    private static final Logger LOG = Logger.getLogger(ResultCacheSweeper.class);

    @Inject
    ResultCache cache;

    @Scheduled(every = "${pixmill.cache.sweep-every:1m}", delayed = "11s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        // entries stay useful (and bounded) when the cache is switched off: they are evicted all the same
        return cache.evict()
                .invoke(n -> {
                    if (n > 0) {
                        LOG.debugf("evicted %d result cache entries", n);
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("result cache eviction failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
