package dev.pixmill.accounts;

import dev.pixmill.security.Caller;
import dev.pixmill.security.KeyLimits;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/** A key's usage today as the rate-limit counters count it (the same row that enforces its limits). */
@ApplicationScoped
public class CountedUsage implements UsageCounters {

    static final String COUNTED_BY = "rate_counters: calls that created work and their images, this UTC day";

    @Inject
    UsageLimits limits;

    @Override
    public Uni<Usage> today(UUID keyId) {
        // only the counts are read: they are kept by owner, whatever the key's plan and limits
        Caller owner = new Caller("key:" + keyId, keyId, "free", KeyLimits.NONE);
        return limits.usage(owner).map(u -> new Usage((long) u.requestsToday(), (long) u.conversionsToday(),
                COUNTED_BY));
    }
}
