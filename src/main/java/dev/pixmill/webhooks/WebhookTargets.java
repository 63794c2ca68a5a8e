package dev.pixmill.webhooks;

import dev.pixmill.error.BadRequestException;
import dev.pixmill.error.PixmillException;
import dev.pixmill.error.UnauthorizedException;
import dev.pixmill.fetch.UrlFetcher;
import dev.pixmill.security.Caller;
import dev.pixmill.web.FormValues;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.util.Locale;

/**
 * The one check of a submitted {@code webhook_url}, for every endpoint that takes one (convert,
 * compress, resize, the batches): a keyed caller whose key has a webhook secret, an https URL (http
 * only where allowed) of the right shape, and a host whose every address the URL-fetching rules
 * allow now. The sender checks the addresses again at every try.
 */
@ApplicationScoped
public class WebhookTargets {

    static final int MAX_LENGTH = 2048;

    @Inject
    WebhookConfig config;

    @Inject
    UrlFetcher addresses;

    @Inject
    WebhookQueue queue;

    @Inject
    Vertx vertx;

    /**
     * The URL to store with the submission, or an item of null when {@code raw} is absent or blank.
     * Fails with 401 {@code missing_api_key} for anonymous callers (there is no secret to sign
     * with), 400 {@code webhook_secret_missing} for a key without a secret (made before webhooks:
     * rotate it), 400 {@code invalid_parameter} for a URL that is malformed, not https or
     * unresolvable, and 400 {@code url_not_allowed} for one that points to a refused address.
     */
    public Uni<String> parse(Caller caller, String raw) {
        return Uni.createFrom().deferred(() -> {
            if (!FormValues.present(raw)) {
                return Uni.createFrom().nullItem();
            }
            if (caller.anonymous()) {
                throw new UnauthorizedException("missing_api_key", "webhook_url needs an API key: webhooks are "
                        + "signed with the key's webhook secret, and anonymous callers have none");
            }
            URI uri = shape(raw.strip());
            return queue.secret(caller.keyId())
                    .invoke(secret -> {
                        if (secret == null) {
                            throw new BadRequestException("webhook_secret_missing", "this API key has no webhook "
                                    + "secret yet (it was created before webhooks existed): rotate it with POST "
                                    + "/api/v1/webhooks/secret, then submit again");
                        }
                    })
                    .chain(() -> Uni.createFrom().completionStage(() -> addresses
                            .allowedAddresses(vertx.getOrCreateContext(), uri.getHost()).toCompletionStage()))
                    .onFailure().transform(WebhookTargets::refusal)
                    .replaceWith(uri.toString());
        });
    }

    private URI shape(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("https://") && !(config.allowHttp() && lower.startsWith("http://"))) {
            throw invalid(config.allowHttp() ? "webhook_url must be an https:// (or http://) URL"
                    : "webhook_url must be an https:// URL");
        }
        if (url.length() > MAX_LENGTH) {
            throw invalid("webhook_url is longer than " + MAX_LENGTH + " characters");
        }
        try {
            return UrlFetcher.parse(url);
        } catch (BadRequestException e) {
            throw invalid("webhook_url is not usable: " + e.getMessage());
        }
    }

    /** The address rules' answers, in the words of this parameter; other failures as they are. */
    private static Throwable refusal(Throwable e) {
        String code = e instanceof PixmillException known ? known.code() : "";
        return switch (code) {
            case "url_not_allowed" -> new BadRequestException("url_not_allowed", "webhook_url points to a private, "
                    + "local or reserved network address; webhooks may only call public addresses");
            case "url_fetch_failed" -> invalid("webhook_url's host name could not be resolved");
            default -> e;
        };
    }

    private static BadRequestException invalid(String message) {
        return new BadRequestException("invalid_parameter", message);
    }
}
