package dev.pixmill.accounts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.smallrye.mutiny.Uni;

import java.util.UUID;

/**
 * Today's usage of a key as the counters that enforce its limits see it, for the admin view of a
 * key ({@link CountedUsage}: the rate-limit counters).
 */
public interface UsageCounters {

    /**
     * @param requestsToday    calls that created work today (UTC), or null when not counted
     * @param conversionsToday images converted today (UTC), or null when not counted
     * @param countedBy        what counted them, or why nothing is counted
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Usage(Long requestsToday, Long conversionsToday, String countedBy) {
    }

    Uni<Usage> today(UUID keyId);
}
