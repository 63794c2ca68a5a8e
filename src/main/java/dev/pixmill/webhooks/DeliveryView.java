package dev.pixmill.webhooks;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A delivery as {@code GET /api/v1/webhooks/deliveries} lists it. Every member is always present
 * (null when it does not apply): {@code next_attempt_at} only while pending, {@code delivered_at}
 * once delivered, {@code last_response_excerpt} at most 256 characters of the receiver's answer.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DeliveryView(String id, String type, String subjectId, String url, String state, int attempts,
        Integer lastStatusCode, String lastError, String lastResponseExcerpt, String nextAttemptAt,
        String lastAttemptAt, String createdAt, String deliveredAt) {

    static DeliveryView of(WebhookQueue.Listed d) {
        return new DeliveryView(d.id(), d.type(), d.subjectId().toString(), d.url(), d.state(), d.attempts(),
                d.lastStatusCode(), d.lastError(), d.responseExcerpt(), iso(d.nextAttemptAt()),
                iso(d.lastAttemptAt()), iso(d.createdAt()), iso(d.deliveredAt()));
    }

    private static String iso(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** The listing's answer. */
    public record Page(List<DeliveryView> deliveries) {
    }

    /** The answer to a rotation by the key itself. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Secret(String webhookSecret) {
    }
}
