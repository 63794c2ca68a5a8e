package dev.pixmill.convert;

import dev.pixmill.error.NotFoundException;
import dev.pixmill.jobs.JobService;
import dev.pixmill.webhooks.WebhookEventData;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/**
 * The {@code data} of {@code job.*} events: the job document as GET /api/v1/jobs/{id} shows it,
 * its links built from the base URL the batch was submitted at (there is no request to ask now).
 */
@ApplicationScoped
public class JobWebhookData implements WebhookEventData {

    @Inject
    JobService jobs;

    @Override
    public boolean supports(String type) {
        return type.startsWith("job.");
    }

    @Override
    public Uni<Object> render(UUID subjectId, String owner) {
        return jobs.find(subjectId, owner)
                .<Object>map(snapshot -> JobView.of(snapshot, snapshot.job().baseUrl))
                .onFailure(NotFoundException.class).recoverWithNull();
    }
}
