package dev.pixmill.webhooks;

import dev.pixmill.error.UnauthorizedException;
import dev.pixmill.security.ApiKeyService;
import dev.pixmill.security.Caller;
import dev.pixmill.web.FormValues;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/** What a key may do about its own webhooks: rotate its secret, list its deliveries. */
@ApplicationScoped
public class WebhookService {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 100;

    @Inject
    ApiKeyService keys;

    @Inject
    WebhookQueue queue;

    /** A new secret for the caller's key, answered this once. */
    public Uni<String> rotateSecret(Caller caller) {
        return keys.rotateWebhookSecret(keyed(caller).keyId());
    }

    /** The caller's key's newest deliveries, newest first; {@code limit} 1-100, default 50. */
    public Uni<List<WebhookQueue.Listed>> deliveries(Caller caller, String limit) {
        keyed(caller);
        Integer n = FormValues.integer("limit", limit, 1, MAX_LIMIT);
        return queue.recent(caller.keyId(), n == null ? DEFAULT_LIMIT : n);
    }

    private static Caller keyed(Caller caller) {
        if (caller.anonymous()) {
            throw new UnauthorizedException("missing_api_key", "webhooks belong to an API key: send one "
                    + "(Authorization: Bearer, X-API-Key or ?api_key=)");
        }
        return caller;
    }
}
