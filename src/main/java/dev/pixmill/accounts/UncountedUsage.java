package dev.pixmill.accounts;

import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * The usage report while no rate-limit counters exist: both counts null (unknown, not zero), and
 * a sentence that says so. Replaced by any other {@link UsageCounters} bean.
 */
@DefaultBean
@ApplicationScoped
public class UncountedUsage implements UsageCounters {

    static final Usage UNCOUNTED = new Usage(null, null,
            "not counted: this build has no request or conversion counters per key");

    @Override
    public Uni<Usage> today(UUID keyId) {
        return Uni.createFrom().item(UNCOUNTED);
    }
}
