package dev.pixmill.generate;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.EngineConfig;
import dev.pixmill.engine.EngineExecutor;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.Fit;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.error.PixmillException;
import dev.pixmill.error.ServiceBusyException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * An OpenAI-compatible images endpoint ({@code POST /v1/images/generations}), as hosted services
 * and self-hosted model servers speak it. One request per image ({@code n=1}), the style folded
 * into the prompt, the size the endpoint offers nearest in aspect ratio (the engine then crops and
 * scales to the exact size). Answers with {@code b64_json} or a {@code url} (fetched, bounded, like
 * the call itself) are both taken. Each try is bounded in time and size; 429, 5xx, time-outs and
 * lost connections are tried again with exponential backoff, a bounded number of times; any other
 * answer ends the image with the provider's own words. Non-blocking: the JDK HTTP client's
 * asynchronous calls, cancelled (the exchange aborted) at their time-out.
 */
@ApplicationScoped
public class OpenAiImagesProvider implements ImageProvider {

    private static final Logger LOG = Logger.getLogger(OpenAiImagesProvider.class);
    public static final String NAME = "openai";
    /** Characters of a provider's error message kept in the image's error. */
    static final int MAX_MESSAGE = 300;
    /** Tries of the final fit while the engine is full (about 30 s in all) before the job is given back. */
    static final int ENGINE_BUSY_RETRIES = 10;

    @Inject
    GenerateConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    ImageEngine engine;

    @Inject
    EngineExecutor executor;

    @Inject
    EngineConfig engineConfig;

    private volatile Clients clients;

    /** The API client follows no redirects (a POST must not be re-sent elsewhere); image downloads follow a few. */
    private record Clients(HttpClient api, HttpClient downloads) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void checkConfiguration() {
        if (config.openai().baseUrl().map(String::isBlank).orElse(true)) {
            throw new IllegalStateException("pixmill.generate.provider=openai needs pixmill.generate.openai.base-url");
        }
        endpoint(config.openai().baseUrl().get());
        sizes(); // each one must parse
    }

    @Override
    public String alt(GenerationParams image) {
        return AltText.of(image.style(), image.prompt());
    }

    @Override
    public Uni<EngineResult> generate(GenerationParams image) {
        return Uni.createFrom().deferred(() -> {
            URI endpoint = endpoint(config.openai().baseUrl()
                    .orElseThrow(() -> new ProviderFailure("no image provider URL is configured (pixmill.generate.openai.base-url)")));
            ImageSize asked = image.size().nearestIn(sizes());
            byte[] body = requestBody(image, asked);
            return withRetries(() -> post(endpoint, body), 0)
                    .chain(answer -> imageOf(answer))
                    .chain(bytes -> fit(bytes, image));
        });
    }

    /** {@code base} + {@code /v1/images/generations}; a base that ends in {@code /v1} already is not given a second one. */
    static URI endpoint(String base) {
        String b = base.strip();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        if (!b.endsWith("/v1")) {
            b = b + "/v1";
        }
        return URI.create(b + "/images/generations");
    }

    List<ImageSize> sizes() {
        List<ImageSize> sizes = new ArrayList<>();
        for (String s : config.openai().sizes()) {
            sizes.add(ImageSize.parse(s).orElseThrow(() -> new IllegalStateException(
                    "pixmill.generate.openai.sizes: '" + s + "' is not WIDTHxHEIGHT")));
        }
        return sizes;
    }

    private byte[] requestBody(GenerationParams image, ImageSize asked) {
        ObjectNode body = json.createObjectNode();
        String model = image.model() == Model.PREMIUM
                ? config.openai().premiumModel().orElse(config.openai().model())
                : config.openai().model();
        body.put("model", model);
        body.put("prompt", image.style().foldInto(image.prompt()));
        body.put("n", 1);
        body.put("size", asked.toString());
        String format = config.openai().responseFormat().strip();
        if (!format.isEmpty() && !format.equalsIgnoreCase("none")) {
            body.put("response_format", format);
        }
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One try of the generation call: its answer, or the failure (retryable or not). */
    private Uni<Answer> post(URI endpoint, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(config.openai().timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("User-Agent", "Pixmill/1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        config.openai().apiKey().map(String::strip).filter(k -> !k.isEmpty())
                .ifPresent(key -> request.header("Authorization", "Bearer " + key));
        return exchange(clients().api(), request.build(), "the image provider")
                .map(response -> {
                    int status = response.statusCode();
                    if (status / 100 != 2) {
                        throw answered("the image provider", status, response);
                    }
                    try {
                        return Answer.read(json, response.body().stream());
                    } catch (IOException e) {
                        throw new ProviderFailure("the image provider answered " + status + " with a body that is not "
                                + "the JSON of an images answer");
                    }
                });
    }

    /**
     * What a generation answer holds of its first image ({@code data[0]}): the decoded
     * {@code b64_json}, or the {@code url}. Read as a stream: the base64 is decoded straight out of
     * the JSON, never held as text.
     */
    record Answer(byte[] image, String url) {

        static Answer read(ObjectMapper json, java.io.InputStream body) throws IOException {
            byte[] image = null;
            String url = null;
            try (JsonParser p = json.getFactory().createParser(body)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IOException("not an object");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (!"data".equals(field) || value != JsonToken.START_ARRAY) {
                        p.skipChildren();
                        continue;
                    }
                    boolean first = true;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (first && p.currentToken() == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String member = p.currentName();
                                JsonToken v = p.nextToken();
                                if ("b64_json".equals(member) && v == JsonToken.VALUE_STRING) {
                                    image = p.getBinaryValue(Base64Variants.MIME_NO_LINEFEEDS);
                                } else if ("url".equals(member) && v == JsonToken.VALUE_STRING) {
                                    url = p.getText();
                                } else {
                                    p.skipChildren();
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                        first = false;
                    }
                }
            }
            return new Answer(image != null && image.length > 0 ? image : null, url == null || url.isBlank() ? null : url);
        }
    }

    /** The image bytes of a generation answer: its b64_json, or the download of its url. */
    private Uni<byte[]> imageOf(Answer answer) {
        if (answer.image() != null) {
            return Uni.createFrom().item(answer.image());
        }
        if (answer.url() == null) {
            throw new ProviderFailure("the image provider's answer holds no image (no data[0].b64_json or data[0].url)");
        }
        URI uri;
        try {
            uri = URI.create(answer.url().strip());
        } catch (IllegalArgumentException e) {
            throw new ProviderFailure("the image provider answered a url that is not valid");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new ProviderFailure("the image provider answered a url that is not http(s)");
        }
        // the key is not sent along: the url is usually signed storage on another host
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(config.openai().timeout())
                .header("User-Agent", "Pixmill/1").GET().build();
        return withRetries(() -> exchange(clients().downloads(), request, "the image url").map(response -> {
            if (response.statusCode() / 100 != 2) {
                throw answered("the image url", response.statusCode(), response);
            }
            return response.body().array();
        }), 0);
    }

    /** The provider's picture cropped and scaled to exactly the size asked for, as a JPEG, on the engine pool. */
    private Uni<EngineResult> fit(byte[] picture, GenerationParams image) {
        var spec = new ConversionSpec(ImageFormat.JPEG, config.jpegQuality(), image.width(), image.height(), true,
                false, engineConfig.limits().toImageLimits(), engineConfig.timeout(), null, Fit.COVER);
        // the provider's work is paid for: a full engine is waited out a little rather than the
        // job given back (which would ask the provider again)
        return Uni.createFrom().deferred(() -> executor.submitClaimed(() -> engine.convert(picture, spec)))
                .onFailure(ServiceBusyException.class).retry().withBackOff(Duration.ofMillis(250), Duration.ofSeconds(4))
                .atMost(ENGINE_BUSY_RETRIES)
                .onFailure(e -> e instanceof PixmillException && !(e instanceof ServiceBusyException))
                .transform(e -> new ProviderFailure("the image provider's answer is not a usable image: " + e.getMessage()));
    }

    /**
     * One HTTP exchange, bounded: the time-out covers the whole answer (the request is aborted
     * then), the body is read up to the size limit. Connection failures and time-outs are retryable.
     */
    private Uni<HttpResponse<LimitedBody.Bytes>> exchange(HttpClient client, HttpRequest request, String who) {
        Duration timeout = config.openai().timeout();
        long max = config.openai().maxResponseBytes().asLongValue();
        return Uni.createFrom().completionStage(() -> client.sendAsync(request, LimitedBody.handler(max)))
                .ifNoItem().after(timeout).failWith(() -> new ProviderFailure.Retryable(
                        who + " did not answer within " + seconds(timeout), null))
                .onFailure(e -> !(e instanceof ProviderFailure)).transform(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof LimitedBody.TooLarge) {
                        return new ProviderFailure(who + " answered more than " + max / (1024 * 1024) + " MB");
                    }
                    if (cause instanceof HttpTimeoutException) {
                        return new ProviderFailure.Retryable(who + " did not answer within " + seconds(timeout), null);
                    }
                    if (cause instanceof ConnectException) {
                        return new ProviderFailure.Retryable("could not connect to " + who, null);
                    }
                    if (cause instanceof IOException) {
                        return new ProviderFailure.Retryable("the connection to " + who + " failed", null);
                    }
                    LOG.warnf(cause, "calling %s failed", who);
                    return new ProviderFailure("calling " + who + " failed");
                });
    }

    /** Tries {@code attempt} again after each retryable failure, up to the configured retries, waiting longer each time. */
    private <T> Uni<T> withRetries(Supplier<Uni<T>> attempt, int retry) {
        return Uni.createFrom().<T>deferred(attempt::get).onFailure(ProviderFailure.Retryable.class).recoverWithUni(e -> {
            ProviderFailure.Retryable failure = (ProviderFailure.Retryable) e;
            int retries = Math.max(0, config.openai().retries());
            if (retry >= retries) {
                int tries = retries + 1;
                return Uni.createFrom().failure(new ProviderFailure(failure.getMessage()
                        + (tries > 1 ? " (" + tries + " tries)" : "")));
            }
            Duration delay = backoff(retry, failure.retryAfter());
            LOG.debugf("image provider: %s; retrying in %d ms", failure.getMessage(), delay.toMillis());
            return Uni.createFrom().voidItem().onItem().delayIt().by(delay).chain(() -> withRetries(attempt, retry + 1));
        });
    }

    /** base × 2^retry, at most the maximum; a longer Retry-After is waited for up to the maximum too. */
    Duration backoff(int retry, Duration retryAfter) {
        Duration max = config.openai().backoffMax();
        Duration d = config.openai().backoffBase().multipliedBy(1L << Math.min(retry, 20));
        if (retryAfter != null && retryAfter.compareTo(d) > 0) {
            d = retryAfter;
        }
        return d.compareTo(max) > 0 ? max : d;
    }

    /** A non-2xx answer as a failure: retryable for 429 and 5xx, with the provider's message. */
    private ProviderFailure answered(String who, int status, HttpResponse<LimitedBody.Bytes> response) {
        String message = errorMessage(response.body().array());
        String text = who + " answered " + status + (message.isEmpty() ? "" : ": " + message);
        if (status == 429 || status >= 500) {
            return new ProviderFailure.Retryable(text, retryAfter(response));
        }
        return new ProviderFailure(status == 400 || status == 422 ? who + " refused the request (" + status + ")"
                + (message.isEmpty() ? "" : ": " + message) : text);
    }

    /** {@code error.message} (OpenAI), {@code error} as text, {@code message} or {@code detail}; else the start of the body. */
    String errorMessage(byte[] body) {
        String message = "";
        try {
            JsonNode node = json.readTree(body == null ? new byte[0] : body);
            if (node != null) {
                for (JsonNode candidate : List.of(node.path("error").path("message"), node.path("error"),
                        node.path("message"), node.path("detail"))) {
                    if (candidate.isTextual() && !candidate.asText().isBlank()) {
                        message = candidate.asText();
                        break;
                    }
                }
            }
        } catch (IOException notJson) {
            message = body == null ? "" : new String(body, 0, Math.min(body.length, 4 * MAX_MESSAGE), StandardCharsets.UTF_8);
        }
        message = message.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 1) + "…" : message;
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").filter(v -> v.strip().matches("[0-9]{1,6}"))
                .map(v -> Duration.ofSeconds(Long.parseLong(v.strip()))).orElse(null);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private Clients clients() {
        Clients c = clients;
        if (c == null) {
            synchronized (this) {
                c = clients;
                if (c == null) {
                    Duration connect = config.openai().connectTimeout();
                    c = new Clients(
                            HttpClient.newBuilder().connectTimeout(connect).followRedirects(HttpClient.Redirect.NEVER)
                                    .version(HttpClient.Version.HTTP_1_1).build(),
                            HttpClient.newBuilder().connectTimeout(connect).followRedirects(HttpClient.Redirect.NORMAL)
                                    .version(HttpClient.Version.HTTP_1_1).build());
                    clients = c;
                }
            }
        }
        return c;
    }

    @PreDestroy
    void close() {
        Clients c = clients;
        if (c != null) {
            c.api().shutdownNow();
            c.downloads().shutdownNow();
        }
    }
}
