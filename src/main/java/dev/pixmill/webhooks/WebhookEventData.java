package dev.pixmill.webhooks;

import io.smallrye.mutiny.Uni;

import java.util.UUID;

/**
 * Renders the {@code data} of a webhook event: what the API itself shows the owner about the
 * event's subject (the status document of a conversion, the job document of a batch). One CDI
 * bean per kind of subject; the sender asks it once, at the first try, and sends the same body on
 * every retry. It runs on a safe Vert.x duplicated context, so Hibernate Reactive sessions may be
 * used ({@code @WithSession}).
 */
public interface WebhookEventData {

    /** Whether this bean renders events of {@code type}, e.g. {@code conversion.completed}. */
    boolean supports(String type);

    /**
     * The event's {@code data}, serialised with the application's JSON mapper; null (an item of
     * null) when the subject is gone (expired and purged), which fails the delivery.
     *
     * @param subjectId the conversion or job the event is about
     * @param owner     its owner ({@code key:<uuid>}): render only what this owner may read
     */
    Uni<Object> render(UUID subjectId, String owner);
}
