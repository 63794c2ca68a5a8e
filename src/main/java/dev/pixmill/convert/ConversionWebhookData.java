package dev.pixmill.convert;

import dev.pixmill.jobs.ConversionRepository;
import dev.pixmill.webhooks.WebhookEventData;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/** The {@code data} of {@code conversion.*} events: the status document, as GET .../status shows it. */
@ApplicationScoped
public class ConversionWebhookData implements WebhookEventData {

    @Inject
    ConversionRepository conversions;

    @Override
    public boolean supports(String type) {
        return type.startsWith("conversion.");
    }

    @Override
    public Uni<Object> render(UUID subjectId, String owner) {
        return conversions.findOwned(subjectId, owner).map(c -> c == null ? null : ConversionStatusView.of(c));
    }
}
