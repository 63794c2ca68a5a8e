package dev.pixmill.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.error.PixmillException;
import dev.pixmill.fetch.UrlFetcher;
import dev.pixmill.jobs.ConversionEvents;
import dev.pixmill.security.Tokens;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Sends webhook deliveries: claims due rows from {@link WebhookQueue}, renders the body at the first
 * try (then it is frozen), signs each try the Standard Webhooks way and POSTs it to the address the
 * URL resolved to and the address rules allowed at this very try. A 2xx answer delivers; anything
 * else, a refused address or no answer within the timeout is a failed try, retried with backoff
 * ({@link RetryPolicy}). Everything runs on the event loop, never blocking it; DNS goes to a
 * worker thread. Woken by NOTIFY (a delivery was queued on any replica), by a local timer when a
 * retry is due, and by the sweeper's tick.
 */
@ApplicationScoped
public class WebhookSender {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class);
    /** Characters of the receiver's answer kept for the listing; the rest is never stored. */
    static final int EXCERPT_CHARS = 256;
    private static final String USER_AGENT = "Pixmill-Webhooks/1";

    @Inject
    WebhookQueue queue;

    @Inject
    WebhookConfig config;

    @Inject
    UrlFetcher addresses;

    @Inject
    ConversionEvents events;

    @Inject
    Vertx vertx;

    @Inject
    ObjectMapper json;

    @Inject
    @Any
    Instance<WebhookEventData> renderers;

    private final String replica = identity();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Pump requests not yet served; only the caller that raises it from 0 runs claim rounds. */
    private final AtomicInteger pumpRequests = new AtomicInteger();
    private volatile boolean accepting;
    private HttpClient client;
    private RetryPolicy retry;
    private Duration lease;
    private List<String> renderable;

    /** The body of every event: its type, when it happened, and what the API shows of its subject. */
    @RegisterForReflection // serialised outside the REST layer, so no one else registers it for a native image
    record Event(String type, String timestamp, Object data) {
    }

    /** What a try came to: the receiver's status and the start of its answer, or why there is none. */
    record Answer(Integer status, String excerpt, String error) {
        static Answer failed(String error) {
            return new Answer(null, null, error);
        }
    }

    @PostConstruct
    void init() {
        retry = RetryPolicy.of(config);
        Duration minimum = config.timeout().multipliedBy(3);
        lease = config.lease().compareTo(minimum) < 0 ? minimum : config.lease();
        renderable = WebhookQueue.TYPES.stream().filter(type -> renderer(type) != null).toList();
        client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(false)   // each try its own connection, to its own checked address
                        .setVerifyHost(true)
                        .setTryUseCompression(false)
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis())),
                new PoolOptions().setHttp1MaxSize(Math.max(1, config.concurrency())));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    void start(@Observes @Priority(110) StartupEvent event) {
        if (!config.senderEnabled()) {
            LOG.info("webhook sender disabled (pixmill.webhooks.sender-enabled=false): this replica sends no webhooks");
            return;
        }
        List<String> waiting = WebhookQueue.TYPES.stream().filter(type -> !renderable.contains(type)).toList();
        if (!waiting.isEmpty()) {
            LOG.infof("no renderer for webhook events %s here: their first try waits for a replica that has one",
                    waiting);
        }
        accepting = true;
        events.listen(WebhookQueue.CHANNEL, this::pump);
        pump();
    }

    /** Stops claiming and lets tries in flight end (each is bounded by the timeout). */
    void stop(@Observes ShutdownEvent event) {
        accepting = false;
        long deadline = System.nanoTime() + config.timeout().toNanos() + 1_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Asks for a claim round. Safe to call from anywhere, any time; never runs two rounds at once. */
    public void pump() {
        if (pumpRequests.getAndIncrement() == 0) {
            round();
        }
    }

    private void round() {
        int served = pumpRequests.get();
        int free = config.concurrency() - inFlight.get();
        if (!accepting || free <= 0) {
            endRound(served);
            return;
        }
        claim(replica, free).subscribe().with(claimed -> {
            for (WebhookQueue.Claimed c : claimed) {
                inFlight.incrementAndGet();
                deliver(c).subscribe().with(v -> tryEnded(), e -> tryEnded());
            }
            endRound(served);
        }, failure -> {
            LOG.warnf("claiming webhook deliveries failed: %s", failure.getMessage());
            endRound(served);
        });
    }

    /** Another round if pump() was called while this one ran. */
    private void endRound(int served) {
        if (pumpRequests.addAndGet(-served) != 0) {
            round();
        }
    }

    private void tryEnded() {
        inFlight.decrementAndGet();
        pump();
    }

    /**
     * Claims what is due now, as the sender named {@code worker}, and makes those tries; completes
     * once each is recorded, with how many there were. What a replica's sender does in each round;
     * tests drive it directly (two names racing are two replicas).
     */
    public Uni<Integer> sendDue(String worker, int max) {
        return claim(worker, max).chain(claimed -> claimed.isEmpty() ? Uni.createFrom().item(0)
                : Uni.join().all(claimed.stream().map(this::deliver).toList()).andFailFast()
                        .replaceWith(claimed.size()));
    }

    private Uni<List<WebhookQueue.Claimed>> claim(String worker, int max) {
        return queue.claim(worker + "/" + Tokens.base62(12), max, lease, config.maxAttempts(), renderable);
    }

    /** One try of a claimed delivery, recorded; never fails (what cannot be recorded waits for its lease). */
    Uni<Void> deliver(WebhookQueue.Claimed c) {
        return onSafeContext(() -> body(c).chain(body -> body == null ? Uni.createFrom().voidItem() : send(c, body)))
                .onFailure().invoke(e -> LOG.warnf("webhook delivery %s: try %d could not be recorded (%s); it is "
                        + "tried again when its lease ends", c.id(), c.attempts(), e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** The body to send: the frozen one, or rendered now (first try) and frozen; null if there is none to send. */
    private Uni<String> body(WebhookQueue.Claimed c) {
        if (c.payload() != null) {
            return Uni.createFrom().item(c.payload());
        }
        WebhookEventData renderer = renderer(c.type());
        if (renderer == null) { // claimed only when renderable; a bean that vanished leaves it to another replica
            return queue.attemptFailed(c, null, "no renderer for " + c.type() + " events on this replica", null,
                    retry.nominalDelay(c.attempts()), config.maxAttempts()).replaceWith((String) null);
        }
        return renderer.render(c.subjectId(), c.owner())
                .chain(data -> {
                    if (data == null) {
                        return queue.failed(c, "the " + c.type().substring(0, c.type().indexOf('.')) + " "
                                + c.subjectId() + " expired before its event could be sent; nothing was sent")
                                .replaceWith((String) null);
                    }
                    return queue.freezePayload(c, write(new Event(c.type(),
                            c.createdAt().truncatedTo(ChronoUnit.MILLIS).toString(), data)));
                })
                .onFailure().recoverWithUni(e -> {
                    LOG.errorf(e, "webhook delivery %s: rendering %s failed", c.id(), c.type());
                    return failedTry(c, Answer.failed("the event could not be rendered (internal error)"))
                            .replaceWith((String) null);
                });
    }

    private Uni<Void> send(WebhookQueue.Claimed c, String body) {
        if (c.keyId() == null) {
            return queue.failed(c, "the owner is not an API key: there is no webhook secret to sign with")
                    .replaceWithVoid();
        }
        return queue.secret(c.keyId()).chain(secret -> {
            if (secret == null) {
                return queue.failed(c, "the API key was revoked or has no webhook secret; nothing was sent")
                        .replaceWithVoid();
            }
            return post(c, body.getBytes(StandardCharsets.UTF_8), secret).chain(answer -> record(c, answer));
        });
    }

    private Uni<Void> record(WebhookQueue.Claimed c, Answer answer) {
        if (answer.status() != null && answer.status() >= 200 && answer.status() < 300) {
            return queue.delivered(c, answer.status(), answer.excerpt()).replaceWithVoid();
        }
        return failedTry(c, answer).replaceWithVoid();
    }

    private Uni<String> failedTry(WebhookQueue.Claimed c, Answer answer) {
        Duration delay = retry.delay(c.attempts(), ThreadLocalRandom.current()::nextDouble);
        String error = answer.error() != null ? answer.error()
                : answer.status() / 100 == 3 ? "the receiver answered " + answer.status() + " (redirects are not followed)"
                : "the receiver answered " + answer.status();
        return queue.attemptFailed(c, answer.status(), error, answer.excerpt(), delay, config.maxAttempts())
                .invoke(state -> {
                    if ("pending".equals(state)) {
                        vertx.setTimer(Math.max(1, delay.toMillis()), id -> pump());
                    }
                });
    }

    /** The URL's rules, its addresses checked now, then the POST to a checked address. */
    private Uni<Answer> post(WebhookQueue.Claimed c, byte[] body, String secret) {
        URI uri;
        try {
            uri = UrlFetcher.parse(c.url());
        } catch (PixmillException e) {
            return Uni.createFrom().item(Answer.failed("the webhook URL is not usable: " + e.getMessage()));
        }
        boolean https = "https".equals(uri.getScheme().toLowerCase(Locale.ROOT));
        if (!https && !config.allowHttp()) {
            return Uni.createFrom().item(Answer.failed("refused: only https webhook URLs are allowed"));
        }
        Context ctx = vertx.getOrCreateContext();
        return Uni.createFrom().completionStage(() -> addresses.allowedAddresses(ctx, uri.getHost()).toCompletionStage())
                .chain(allowed -> Uni.createFrom().<Answer>emitter(emitter -> {
                    Post post = new Post(emitter, uri, allowed, c.id(), body, secret);
                    emitter.onTermination(() -> ctx.runOnContext(v -> post.finish(null)));
                    ctx.runOnContext(v -> post.start());
                }))
                .onFailure(PixmillException.class).recoverWithItem(e -> Answer.failed(
                        "url_not_allowed".equals(((PixmillException) e).code())
                                ? "refused: the webhook URL resolves to a private, local or reserved network address"
                                : "the webhook URL's host name could not be resolved"));
    }

    /** One POST, from the connection to the first bytes of the answer. Runs on one event-loop context. */
    private final class Post {
        private final UniEmitter<? super Answer> emitter;
        private final URI uri;
        private final List<InetAddress> targets;
        private final String id;
        private final byte[] body;
        private final String secret;
        private final Buffer answer = Buffer.buffer();
        private boolean done;
        private long timer = -1;
        private long deadline;
        private HttpClientRequest current;
        private Integer status;

        Post(UniEmitter<? super Answer> emitter, URI uri, List<InetAddress> targets, String id,
                byte[] body, String secret) {
            this.emitter = emitter;
            this.uri = uri;
            this.targets = targets;
            this.id = id;
            this.body = body;
            this.secret = secret;
        }

        void start() {
            Duration timeout = config.timeout();
            deadline = System.nanoTime() + timeout.toNanos();
            timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> {
                timer = -1;
                // an answer whose status arrived counts; only its body was slow
                finish(status != null ? answered() : Answer.failed("no answer within " + describe(timeout)));
            });
            connect(0, null);
        }

        /** Tries the checked addresses in order until one accepts the connection. */
        private void connect(int index, Throwable last) {
            if (done) {
                return;
            }
            if (index >= targets.size()) {
                finish(Answer.failed("could not connect to the receiver" + (last == null ? "" : ": " + last.getMessage())));
                return;
            }
            long timestamp = Instant.now().getEpochSecond();
            long remainingMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            RequestOptions options = UrlFetcher.pinnedRequest(HttpMethod.POST, uri, targets.get(index), remainingMs)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.USER_AGENT, USER_AGENT)
                    .putHeader("webhook-id", id)
                    .putHeader("webhook-timestamp", Long.toString(timestamp))
                    .putHeader("webhook-signature", WebhookSigner.sign(secret, id, timestamp, body));
            client.request(options).onComplete(ar -> {
                if (ar.failed()) {
                    connect(index + 1, ar.cause());
                    return;
                }
                HttpClientRequest request = ar.result();
                if (done) {
                    request.reset();
                    return;
                }
                current = request;
                request.send(Buffer.buffer(body)).onComplete(sent -> {
                    if (sent.failed()) {
                        finish(Answer.failed("the connection to the receiver failed: " + sent.cause().getMessage()));
                    } else {
                        onResponse(sent.result());
                    }
                });
            });
        }

        private void onResponse(HttpClientResponse response) {
            // our own reset, once enough is read, surfaces here too: ignored once done
            response.exceptionHandler(e -> finish(answered()));
            if (done) {
                return;
            }
            status = response.statusCode();
            int max = Math.max(0, config.maxResponseBytes());
            response.handler(chunk -> {
                if (done) {
                    return;
                }
                int room = max - answer.length();
                if (chunk.length() >= room) {
                    answer.appendBuffer(chunk, 0, room);
                    finish(answered()); // enough: nothing more is read
                } else {
                    answer.appendBuffer(chunk);
                }
            });
            response.endHandler(v -> finish(answered()));
        }

        private Answer answered() {
            return new Answer(status, excerpt(answer), null);
        }

        /** Ends the try once: stops the timer, drops the connection, answers (null: nobody waits). */
        void finish(Answer result) {
            if (done) {
                return;
            }
            done = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
            if (current != null) {
                try {
                    current.reset();
                } catch (RuntimeException ignored) {
                    // already closed
                }
                current = null;
            }
            if (result != null) {
                emitter.complete(result);
            }
        }
    }

    /** Runs {@code work} on a new duplicated context flagged safe, as renderers may use Hibernate Reactive. */
    private <T> Uni<T> onSafeContext(Supplier<Uni<T>> work) {
        Context context = VertxContext.createNewDuplicatedContext(VertxContext.getRootContext(vertx.getOrCreateContext()));
        VertxContextSafetyToggle.setContextSafe(context, true);
        return Uni.createFrom().emitter(emitter -> context.runOnContext(v -> Uni.createFrom().<T>deferred(work::get)
                .subscribe().with(emitter::complete, emitter::fail)));
    }

    private WebhookEventData renderer(String type) {
        return renderers.stream().filter(r -> r.supports(type)).findFirst().orElse(null);
    }

    private String write(Event event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a webhook event cannot be serialised", e);
        }
    }

    /** At most {@link #EXCERPT_CHARS} characters of the answer, controls blanked; null if empty. */
    static String excerpt(Buffer answer) {
        if (answer.length() == 0) {
            return null;
        }
        int bytes = Math.min(answer.length(), EXCERPT_CHARS * 4);
        String text = new String(answer.getBytes(0, bytes), StandardCharsets.UTF_8);
        StringBuilder kept = new StringBuilder(EXCERPT_CHARS);
        for (int i = 0; i < text.length() && kept.length() < EXCERPT_CHARS; i++) {
            char ch = text.charAt(i);
            if (Character.isHighSurrogate(ch) && kept.length() == EXCERPT_CHARS - 1) {
                break; // never half a character
            }
            kept.append(Character.isISOControl(ch) && ch != '\n' && ch != '\t' ? ' ' : ch);
        }
        return kept.toString();
    }

    private static String describe(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    /** Names a replica in lease_owner, so an operator can tell who held a delivery. */
    private static String identity() {
        String host = System.getenv().getOrDefault("HOSTNAME", "local");
        return host + "/" + UUID.randomUUID().toString().substring(0, 8) + "/webhooks";
    }
}
