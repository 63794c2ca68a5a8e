package dev.pixmill.fetch;

import dev.pixmill.error.BadRequestException;
import dev.pixmill.error.PayloadTooLargeException;
import dev.pixmill.error.PixmillException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Fetches an image from a caller-supplied URL without letting the caller reach internal networks.
 *
 * <p>We resolve the host ourselves, check every address with {@link AddressPolicy}, then connect to
 * the checked address itself (Host header, TLS SNI and certificate check still use the host name),
 * so a second DNS answer cannot swap in an internal address. Redirects are followed by hand and each
 * hop is checked again. One deadline covers resolution, connections, redirects and body.
 */
@ApplicationScoped
public class UrlFetcher {

    private static final Logger LOG = Logger.getLogger(UrlFetcher.class);
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final Vertx vertx;
    private final AddressPolicy policy;
    private final long maxBytes;
    private final Duration timeout;
    private final int maxRedirects;
    private final String userAgent;
    private final HttpClient client;
    private final HostResolver resolver;

    @Inject
    public UrlFetcher(Vertx vertx, FetchConfig config, AddressPolicy policy) {
        this(vertx, policy, config.maxBytes(), config.timeout(), config.maxRedirects(), config.userAgent());
    }

    /** For use without CDI (tests, tools). */
    public UrlFetcher(Vertx vertx, AddressPolicy policy, long maxBytes, Duration timeout, int maxRedirects,
                      String userAgent) {
        this(vertx, policy, maxBytes, timeout, maxRedirects, userAgent, host -> List.of(InetAddress.getAllByName(host)));
    }

    /** Looks a host name up; blocking, called off the event loop. */
    @FunctionalInterface
    interface HostResolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    /** With a stand-in resolver, so tests can give a name any addresses without DNS. */
    UrlFetcher(Vertx vertx, AddressPolicy policy, long maxBytes, Duration timeout, int maxRedirects,
               String userAgent, HostResolver resolver) {
        if (maxBytes <= 0 || timeout.isNegative() || timeout.isZero() || maxRedirects < 0) {
            throw new IllegalArgumentException("pixmill.fetch: max-bytes and timeout must be positive, max-redirects >= 0");
        }
        this.vertx = vertx;
        this.policy = policy;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.maxRedirects = maxRedirects;
        this.userAgent = userAgent;
        this.resolver = resolver;
        // No keep-alive: every hop gets its own connection to its own checked address.
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(false)
                .setVerifyHost(true)
                .setTryUseCompression(false));
    }

    public AddressPolicy addressPolicy() {
        return policy;
    }

    @PreDestroy
    public void close() {
        client.close();
    }

    /**
     * Fetches {@code url}. Fails with {@code invalid_url} / {@code url_not_allowed} (400) before any
     * network traffic when the URL is malformed or refused, {@code url_fetch_failed} (400) on
     * upstream errors, timeouts and redirect loops, {@code file_too_large} (413) past the byte limit.
     * Completes on a Vert.x event loop: do not block downstream.
     */
    public Uni<FetchedResource> fetch(String url) {
        return fetch(url, bytes -> { });
    }

    /**
     * As {@link #fetch(String)}; {@code beforeKeeping} is told the size of each piece of the body
     * before it is kept, and may throw (a {@link PixmillException}) to stop the fetch, e.g. when
     * the memory set aside for incoming files is spent.
     */
    public Uni<FetchedResource> fetch(String url, LongConsumer beforeKeeping) {
        return Uni.createFrom().deferred(() -> {
            URI uri = parse(url);
            Context ctx = vertx.getOrCreateContext();
            return Uni.createFrom().<FetchedResource>emitter(emitter -> {
                Exchange exchange = new Exchange(ctx, emitter, beforeKeeping);
                emitter.onTermination(() -> ctx.runOnContext(v -> exchange.abort()));
                ctx.runOnContext(v -> exchange.start(uri));
            });
        });
    }

    /**
     * The addresses of {@code host} that may be contacted, for any outbound call made for a caller
     * (this fetcher's hops, webhook deliveries): resolved off the event loop (an IP literal is not
     * looked up), then every one checked with the address policy. Connect to one of these
     * addresses itself, never to the name again, so a second DNS answer cannot swap in another.
     * Fails with {@code url_not_allowed} when any address is refused, {@code url_fetch_failed} when
     * the name does not resolve; completes on {@code ctx}.
     */
    public Future<List<InetAddress>> allowedAddresses(Context ctx, String host) {
        String name = AddressPolicy.normaliseHost(host);
        InetAddress literal = ipLiteral(name);
        // getAllByName blocks: keep it off the event loop, back on this context afterwards.
        Future<List<InetAddress>> resolved = literal != null ? Future.succeededFuture(List.of(literal))
                : ctx.<List<InetAddress>>executeBlocking(() -> resolver.resolve(name), false)
                        .recover(e -> Future.failedFuture(failed("The URL's host name could not be resolved.", e)));
        return resolved.compose(addresses -> {
            try {
                policy.check(name, addresses);
            } catch (PixmillException refused) {
                LOG.debugf("Refused %s: resolved to %s", name, addresses);
                return Future.failedFuture(refused);
            }
            return Future.succeededFuture(addresses);
        });
    }

    /**
     * A request to {@code uri} sent to {@code checked} (one of {@link #allowedAddresses}) and to
     * nothing else: Host header, TLS SNI and the certificate check use the URL's host name, the
     * connection goes to that address; redirects are not followed.
     */
    public static RequestOptions pinnedRequest(HttpMethod method, URI uri, InetAddress checked, long connectTimeoutMs) {
        boolean ssl = "https".equals(uri.getScheme().toLowerCase(Locale.ROOT));
        int port = uri.getPort() > 0 ? uri.getPort() : (ssl ? 443 : 80);
        InetAddress pinned;
        try {
            // Drop the host name the resolver attached, so Vert.x has nothing left to resolve.
            pinned = InetAddress.getByAddress(checked.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of 4 or 16 bytes is always valid", e);
        }
        return new RequestOptions()
                .setMethod(method)
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(pinned, port)))
                .setHost(uri.getHost())   // keeps [brackets] of an IPv6 literal for the Host header
                .setPort(port)
                .setSsl(ssl)
                .setURI(pathAndQuery(uri))
                .setFollowRedirects(false)
                .setConnectTimeout(connectTimeoutMs);
    }

    /** One fetch, from the first hop to the last byte. Runs on a single event-loop context. */
    private final class Exchange {
        private final Context ctx;
        private final UniEmitter<? super FetchedResource> emitter;
        private final LongConsumer beforeKeeping;
        private long timerId = -1;
        private boolean done;
        private HttpClientRequest current;
        private int redirects;
        private long deadline;

        Exchange(Context ctx, UniEmitter<? super FetchedResource> emitter, LongConsumer beforeKeeping) {
            this.ctx = ctx;
            this.emitter = emitter;
            this.beforeKeeping = beforeKeeping;
        }

        void start(URI uri) {
            if (done) {
                return;
            }
            deadline = System.nanoTime() + timeout.toNanos();
            timerId = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
                timerId = -1;
                fail(failed("Fetching the URL timed out after " + describe(timeout) + ".", null));
            });
            hop(uri);
        }

        private void hop(URI uri) {
            String host = AddressPolicy.normaliseHost(uri.getHost());
            allowedAddresses(ctx, host).onComplete(ar -> {
                if (done) {
                    return;
                }
                if (ar.failed()) {
                    fail(ar.cause());
                } else {
                    attempt(uri, host, ar.result(), 0, null);
                }
            });
        }

        /** Tries the checked addresses in order until one accepts a connection. */
        private void attempt(URI uri, String host, List<InetAddress> addresses, int index, Throwable lastError) {
            if (done) {
                return;
            }
            if (index >= addresses.size()) {
                fail(failed("Could not connect to the URL's host.", lastError));
                return;
            }
            InetAddress pinned = addresses.get(index);
            long remainingMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            RequestOptions options = pinnedRequest(HttpMethod.GET, uri, pinned, remainingMs)
                    .putHeader(HttpHeaders.USER_AGENT, userAgent)
                    .putHeader(HttpHeaders.ACCEPT, "image/*, application/pdf;q=0.9, */*;q=0.5");
            client.request(options).onComplete(ar -> {
                if (ar.failed()) {
                    LOG.debugf("Connection to %s (%s) failed: %s", host, pinned, ar.cause());
                    attempt(uri, host, addresses, index + 1, ar.cause());
                    return;
                }
                HttpClientRequest request = ar.result();
                if (done) {
                    request.reset();
                    return;
                }
                current = request;
                request.send().onComplete(sent -> {
                    if (sent.failed()) {
                        fail(failed("The connection to the URL's host failed.", sent.cause()));
                    } else {
                        onResponse(uri, request, sent.result());
                    }
                });
            });
        }

        private void onResponse(URI uri, HttpClientRequest request, HttpClientResponse response) {
            // Set first: our own resets surface here too, and fail() ignores them once the exchange is done.
            response.exceptionHandler(e -> fail(failed("The connection broke while reading the URL's body.", e)));
            if (done) {
                request.reset();
                return;
            }
            int status = response.statusCode();
            if (REDIRECTS.contains(status)) {
                String location = response.getHeader(HttpHeaders.LOCATION);
                current = null;
                response.exceptionHandler(ignored -> { });
                request.reset();
                if (location == null || location.isBlank()) {
                    fail(failed("The URL answered " + status + " without a redirect location.", null));
                } else if (++redirects > maxRedirects) {
                    fail(failed("The URL made more than " + maxRedirects + " redirects.", null));
                } else {
                    try {
                        hop(redirectTarget(uri, location));
                    } catch (PixmillException e) {
                        fail(e);
                    }
                }
                return;
            }
            if (status < 200 || status > 299) {
                fail(failed("The URL answered " + status + " instead of an image.", null));
                return;
            }
            long declared = contentLength(response.getHeader(HttpHeaders.CONTENT_LENGTH));
            if (declared > maxBytes) {
                fail(tooLarge());
                return;
            }
            // grown as pieces are kept (and accounted), not pre-sized from what the server claims
            Buffer body = Buffer.buffer(64 * 1024);
            response.handler(chunk -> {
                if (done) {
                    return;
                }
                if ((long) body.length() + chunk.length() > maxBytes) {
                    fail(tooLarge());   // resets the request: nothing more is read
                    return;
                }
                try {
                    beforeKeeping.accept(chunk.length());
                } catch (RuntimeException refused) {
                    fail(refused);
                    return;
                }
                body.appendBuffer(chunk);
            });
            response.endHandler(v -> succeed(new FetchedResource(body.getBytes(),
                    mediaType(response.getHeader(HttpHeaders.CONTENT_TYPE)),
                    Filenames.of(response.getHeader(HttpHeaders.CONTENT_DISPOSITION), uri))));
        }

        private void succeed(FetchedResource resource) {
            if (finish()) {
                emitter.complete(resource);
            }
        }

        private void fail(Throwable error) {
            if (finish()) {
                emitter.fail(error);
            }
        }

        void abort() {
            finish();
        }

        /** Marks the exchange done once; stops the timer and drops the connection in flight. */
        private boolean finish() {
            if (done) {
                return false;
            }
            done = true;
            if (timerId >= 0) {
                vertx.cancelTimer(timerId);
                timerId = -1;
            }
            if (current != null) {
                try {
                    current.reset();
                } catch (RuntimeException ignored) {
                    // already closed
                }
                current = null;
            }
            return true;
        }
    }

    // ---- URL rules ---------------------------------------------------------------------------

    /**
     * Parses and checks a caller's URL (absolute http or https, a host, no credentials, a valid
     * port); no network access. Also the shape rules of webhook URLs.
     */
    public static URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw new BadRequestException("invalid_url", "The URL is empty.");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new BadRequestException("invalid_url", "The URL is malformed.");
        }
        if (uri.getScheme() == null) {
            throw new BadRequestException("invalid_url", "The URL must be absolute and start with http:// or https://.");
        }
        requireHttp(uri, "Only http and https URLs may be fetched.");
        return checkShape(uri, "invalid_url", "The URL");
    }

    /** Resolves a Location header against the current URL and applies the same rules. */
    static URI redirectTarget(URI current, String location) {
        URI next;
        try {
            next = current.resolve(new URI(location.trim()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new BadRequestException("url_fetch_failed", "The URL redirected to a malformed location.");
        }
        if (next.getScheme() == null) {
            throw new BadRequestException("url_fetch_failed", "The URL redirected to a malformed location.");
        }
        requireHttp(next, "The URL redirected to a non-http(s) location, which is not allowed.");
        return checkShape(next, "url_fetch_failed", "The redirect location");
    }

    private static void requireHttp(URI uri, String message) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new BadRequestException("url_not_allowed", message);
        }
    }

    private static URI checkShape(URI uri, String code, String what) {
        if (uri.isOpaque() || uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new BadRequestException(code, what + " has no valid host name.");
        }
        if (uri.getRawUserInfo() != null) {
            throw new BadRequestException("url_not_allowed", what + " contains credentials, which is not allowed.");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new BadRequestException(code, what + " has an invalid port.");
        }
        if (uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
            // URI.resolve mishandles relative locations against an empty path
            try {
                return new URI(uri.getScheme() + "://" + uri.getRawAuthority() + "/"
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            } catch (URISyntaxException e) {
                throw new BadRequestException(code, what + " is malformed.");
            }
        }
        return uri;
    }

    private static String pathAndQuery(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    private static InetAddress ipLiteral(String host) {
        try {
            return InetAddress.ofLiteral(host);   // never a DNS lookup
        } catch (IllegalArgumentException notLiteral) {
            return null;
        }
    }

    // ---- answers -----------------------------------------------------------------------------

    private PayloadTooLargeException tooLarge() {
        return new PayloadTooLargeException("file_too_large",
                "The file at the URL is too large; the limit is " + describeBytes(maxBytes) + ".");
    }

    private static BadRequestException failed(String message, Throwable cause) {
        if (cause != null) {
            LOG.debugf("URL fetch failed: %s (%s)", message, cause.toString());
        }
        return cause == null
                ? new BadRequestException("url_fetch_failed", message)
                : new BadRequestException("url_fetch_failed", message, cause);
    }

    private static long contentLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.isEmpty() ? null : type;
    }

    static String describe(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    static String describeBytes(long bytes) {
        if (bytes % (1024 * 1024) == 0) {
            return (bytes / (1024 * 1024)) + " MB";
        }
        if (bytes % 1024 == 0) {
            return (bytes / 1024) + " KB";
        }
        return bytes + " bytes";
    }
}
