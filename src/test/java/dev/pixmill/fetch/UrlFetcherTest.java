package dev.pixmill.fetch;

import dev.pixmill.error.BadRequestException;
import dev.pixmill.error.PayloadTooLargeException;
import dev.pixmill.error.PixmillException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every request goes to a server on 127.0.0.1; refused addresses must fail before any connection. */
class UrlFetcherTest {

    private static final byte[] IMAGE = new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 1, 2, 3};
    private static final int LIMIT = 1000;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Vertx vertx;
    private static HttpServer server;
    private static int port;
    private static final AtomicInteger requests = new AtomicInteger();

    private static UrlFetcher strict;
    private static UrlFetcher open;
    private static UrlFetcher listed;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(UrlFetcherTest::handle);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = server.actualPort();
        Duration timeout = Duration.ofSeconds(5);
        strict = new UrlFetcher(vertx, AddressPolicy.strict(), LIMIT, timeout, 3, "Pixmill-test");
        open = new UrlFetcher(vertx, new AddressPolicy(true, List.of()), LIMIT, timeout, 3, "Pixmill-test");
        listed = new UrlFetcher(vertx, new AddressPolicy(false, List.of("127.0.0.1")), LIMIT, timeout, 3, "Pixmill-test");
    }

    @AfterAll
    static void stop() throws Exception {
        strict.close();
        open.close();
        listed.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void reset() {
        requests.set(0);
    }

    private static void handle(HttpServerRequest req) {
        requests.incrementAndGet();
        String path = req.path();
        var res = req.response();
        if (path.startsWith("/r/")) {
            int left = Integer.parseInt(path.substring(3));
            if (left > 0) {
                // relative location, resolved against the current URL
                res.setStatusCode(302).putHeader("Location", String.valueOf(left - 1)).end();
            } else {
                res.putHeader("Content-Type", "image/png").end(Buffer.buffer(IMAGE));
            }
            return;
        }
        switch (path) {
            case "/img/photo%20one.png", "/image.png", "/" ->
                    res.putHeader("Content-Type", "Image/PNG; charset=binary").end(Buffer.buffer(IMAGE));
            case "/missing" -> res.setStatusCode(404).end("nope");
            case "/to-v6" -> res.setStatusCode(302).putHeader("Location", "http://[::1]:" + port + "/image.png").end();
            case "/to-10" -> res.setStatusCode(301).putHeader("Location", "http://10.0.0.1/image.png").end();
            case "/to-metadata" -> res.setStatusCode(307).putHeader("Location", "http://169.254.169.254/latest/meta-data/").end();
            case "/to-ftp" -> res.setStatusCode(302).putHeader("Location", "ftp://127.0.0.1/image.png").end();
            case "/to-file" -> res.setStatusCode(302).putHeader("Location", "file:///etc/passwd").end();
            case "/exact" -> res.putHeader("Content-Type", "image/png").end(Buffer.buffer(new byte[LIMIT]));
            case "/big-cl" -> res.putHeader("Content-Type", "image/png").end(Buffer.buffer(new byte[LIMIT * 5]));
            case "/big-chunked" -> {
                res.setChunked(true).putHeader("Content-Type", "image/png");
                for (int i = 0; i < 10; i++) {
                    res.write(Buffer.buffer(new byte[400]));
                }
                res.end();
            }
            case "/cd" -> res.putHeader("Content-Type", "image/jpeg")
                    .putHeader("Content-Disposition", "attachment; filename=\"../../evil name .jpg\"")
                    .end(Buffer.buffer(IMAGE));
            case "/host" -> res.putHeader("Content-Type", "text/plain").end(req.getHeader("Host") + "|" + req.getHeader("User-Agent"));
            case "/hang" -> { /* never answers */ }
            default -> res.setStatusCode(500).end();
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static FetchedResource fetch(UrlFetcher fetcher, String url) {
        return fetcher.fetch(url).await().atMost(WAIT);
    }

    private static void assertRefused(UrlFetcher fetcher, String url, Class<? extends PixmillException> type,
                                      String code, String messagePart) {
        assertThatThrownBy(() -> fetch(fetcher, url))
                .isInstanceOfSatisfying(type, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(messagePart);
                });
    }

    @Test
    void defaultConfigRefusesLoopbackBeforeConnecting() {
        assertRefused(strict, url("/image.png"), BadRequestException.class, "url_not_allowed", "address");
        assertRefused(strict, "http://localhost:" + port + "/", BadRequestException.class, "url_not_allowed", "address");
        assertRefused(strict, "http://[::1]:" + port + "/", BadRequestException.class, "url_not_allowed", "address");
        // "127.1" is no host name to java.net.URI (malformed); the decimal form is read as an IPv4 literal
        assertRefused(strict, "http://127.1:" + port + "/", BadRequestException.class, "invalid_url", "host");
        assertRefused(strict, "http://2130706433:" + port + "/", BadRequestException.class, "url_not_allowed", "address");
        assertRefused(strict, "http://[::ffff:127.0.0.1]:" + port + "/", BadRequestException.class, "url_not_allowed", "address");
        assertThat(requests.get()).isZero();
    }

    @Test
    void refusesPrivateAndMetadataAddressesWithoutConnecting() {
        // nothing listens there; a connection attempt would give url_fetch_failed instead
        for (String u : List.of("http://10.0.0.1/a.png", "http://169.254.169.254/latest/meta-data/",
                "http://192.168.1.1:8080/", "https://100.100.100.200/", "http://[fd00:ec2::254]/", "http://0.0.0.0:" + port + "/")) {
            assertRefused(strict, u, BadRequestException.class, "url_not_allowed", "address");
        }
        assertRefused(open, "http://169.254.169.254/latest/meta-data/", BadRequestException.class, "url_not_allowed", "address");
    }

    @Test
    void allowPrivateFetchesBytesTypeAndName() {
        FetchedResource r = fetch(open, url("/img/photo%20one.png?size=large#frag"));
        assertThat(r.bytes()).isEqualTo(IMAGE);
        assertThat(r.contentType()).isEqualTo("image/png");
        assertThat(r.filename()).isEqualTo("photo_one.png");
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void sendsOriginalHostHeaderWhileConnectingToTheCheckedAddress() {
        FetchedResource r = fetch(open, "http://localhost:" + port + "/host");
        assertThat(new String(r.bytes())).isEqualTo("localhost:" + port + "|Pixmill-test");
        assertThat(r.filename()).isEqualTo("host");
        assertThat(r.contentType()).isEqualTo("text/plain");
    }

    @Test
    void connectsToTheCheckedAddressNotToANewLookup() {
        // "pinned.test" only resolves through the stand-in; Vert.x must connect to 127.0.0.1 itself.
        AtomicInteger lookups = new AtomicInteger();
        UrlFetcher pinned = new UrlFetcher(vertx, new AddressPolicy(true, List.of()), LIMIT, Duration.ofSeconds(5), 3,
                "Pixmill-test", host -> {
                    lookups.incrementAndGet();
                    assertThat(host).isEqualTo("pinned.test");
                    return List.of(InetAddress.ofLiteral("127.0.0.1"));
                });
        try {
            FetchedResource r = fetch(pinned, "http://pinned.test:" + port + "/host");
            assertThat(new String(r.bytes())).isEqualTo("pinned.test:" + port + "|Pixmill-test");
            assertThat(lookups.get()).isEqualTo(1);
        } finally {
            pinned.close();
        }
    }

    @Test
    void oneRefusedAddressAmongSeveralRefusesTheHost() {
        UrlFetcher mixed = new UrlFetcher(vertx, AddressPolicy.strict(), LIMIT, Duration.ofSeconds(5), 3,
                "Pixmill-test", host -> List.of(InetAddress.ofLiteral("8.8.8.8"), InetAddress.ofLiteral("10.0.0.1")));
        try {
            // judged only: the refusal comes before any connection, to either address
            assertRefused(mixed, "https://mixed.test/a.png", BadRequestException.class, "url_not_allowed", "address");
        } finally {
            mixed.close();
        }
    }

    @Test
    void ipv6LiteralHostGetsABracketedHostHeader() throws Exception {
        HttpServer v6 = vertx.createHttpServer().requestHandler(UrlFetcherTest::handle);
        try {
            v6.listen(0, "::1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception noIpv6) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here");
        }
        try {
            FetchedResource r = fetch(open, "http://[::1]:" + v6.actualPort() + "/host");
            assertThat(new String(r.bytes())).isEqualTo("[::1]:" + v6.actualPort() + "|Pixmill-test");
        } finally {
            v6.close();
        }
    }

    @Test
    void contentDispositionNameIsSanitised() {
        FetchedResource r = fetch(open, url("/cd"));
        assertThat(r.filename()).isEqualTo("evil_name.jpg");
        assertThat(r.contentType()).isEqualTo("image/jpeg");
        assertThat(fetch(open, url("/")).filename()).isNull();
    }

    @Test
    void upstreamErrorStatusFails() {
        assertRefused(open, url("/missing"), BadRequestException.class, "url_fetch_failed", "answered 404");
    }

    @Test
    void followsUpToThreeRedirects() {
        FetchedResource r = fetch(open, url("/r/3"));
        assertThat(r.bytes()).isEqualTo(IMAGE);
        assertThat(requests.get()).isEqualTo(4);
    }

    @Test
    void refusesAFourthRedirect() {
        assertRefused(open, url("/r/4"), BadRequestException.class, "url_fetch_failed", "more than 3 redirects");
        assertThat(requests.get()).isEqualTo(4);
    }

    @Test
    void redirectToRefusedAddressIsRefusedBeforeConnecting() {
        assertThat(fetch(listed, url("/image.png")).bytes()).isEqualTo(IMAGE);
        requests.set(0);
        assertRefused(listed, url("/to-v6"), BadRequestException.class, "url_not_allowed", "address");
        assertRefused(listed, url("/to-10"), BadRequestException.class, "url_not_allowed", "address");
        assertRefused(listed, url("/to-metadata"), BadRequestException.class, "url_not_allowed", "address");
        assertThat(requests.get()).isEqualTo(3);
    }

    @Test
    void redirectToOtherSchemeIsRefused() {
        assertRefused(open, url("/to-ftp"), BadRequestException.class, "url_not_allowed", "non-http(s)");
        assertRefused(open, url("/to-file"), BadRequestException.class, "url_not_allowed", "non-http(s)");
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void bodyAtTheLimitIsAccepted() {
        assertThat(fetch(open, url("/exact")).bytes()).hasSize(LIMIT);
    }

    @Test
    void bodyOverTheLimitIsRefused() {
        assertRefused(open, url("/big-cl"), PayloadTooLargeException.class, "file_too_large", "the limit is 1000 bytes");
        assertRefused(open, url("/big-chunked"), PayloadTooLargeException.class, "file_too_large", "the limit is 1000 bytes");
    }

    @Test
    void everyPieceIsToldBeforeItIsKeptAndARefusalStopsTheFetch() {
        java.util.concurrent.atomic.AtomicLong told = new java.util.concurrent.atomic.AtomicLong();
        assertThat(open.fetch(url("/exact"), told::addAndGet).await().atMost(WAIT).bytes()).hasSize(LIMIT);
        assertThat(told.get()).isEqualTo(LIMIT);

        // the chunked body comes in 400-byte pieces; refuse once 500 bytes have been kept
        java.util.concurrent.atomic.AtomicLong kept = new java.util.concurrent.atomic.AtomicLong();
        assertThatThrownBy(() -> open.fetch(url("/big-chunked"), bytes -> {
            if (kept.addAndGet(bytes) > 500) {
                throw new dev.pixmill.error.ServiceBusyException("no room", 2);
            }
        }).await().atMost(WAIT)).isInstanceOf(dev.pixmill.error.ServiceBusyException.class);
    }

    @Test
    void defaultLimitIsNamedInMegabytes() {
        assertThat(UrlFetcher.describeBytes(20971520)).isEqualTo("20 MB");
        assertThat(UrlFetcher.describe(Duration.ofSeconds(30))).isEqualTo("30 s");
    }

    @Test
    void silentServerTimesOut() {
        UrlFetcher impatient = new UrlFetcher(vertx, new AddressPolicy(true, List.of()), LIMIT,
                Duration.ofMillis(500), 3, "Pixmill-test");
        try {
            long start = System.nanoTime();
            assertRefused(impatient, url("/hang"), BadRequestException.class, "url_fetch_failed", "timed out after 500 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        } finally {
            impatient.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1/image.png", "file:///etc/passwd", "gopher://127.0.0.1:70/_x",
            "FILE:///etc/passwd", "jar:http://127.0.0.1/x.jar!/a", "data:image/png;base64,AAAA", "javascript:alert(1)"})
    void otherSchemesAreRefused(String u) {
        assertRefused(open, u, BadRequestException.class, "url_not_allowed", "http and https");
        assertThat(requests.get()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not a url", "http://exa mple.com/", "http://", "http:///path",
            "example.com/a.png", "/relative/path.png", "http://[::1/", "http:no-slashes", "http://host:99999/"})
    void malformedUrlsAreInvalid(String u) {
        assertRefused(open, u, BadRequestException.class, "invalid_url", "URL");
        assertThat(requests.get()).isZero();
    }

    @Test
    void credentialsInUrlAreRefused() {
        assertRefused(open, "http://user:pw@127.0.0.1:" + port + "/image.png", BadRequestException.class,
                "url_not_allowed", "credentials");
        assertThat(requests.get()).isZero();
    }

    @Test
    void redirectLocationsResolveAgainstTheCurrentUrl() {
        var base = java.net.URI.create("http://a.test:81/x/y/z.png?q=1");
        assertThat(UrlFetcher.redirectTarget(base, "w.png").toString()).isEqualTo("http://a.test:81/x/y/w.png");
        assertThat(UrlFetcher.redirectTarget(base, "/w.png").toString()).isEqualTo("http://a.test:81/w.png");
        assertThat(UrlFetcher.redirectTarget(base, "//b.test/w.png").toString()).isEqualTo("http://b.test/w.png");
        assertThat(UrlFetcher.redirectTarget(UrlFetcher.parse("http://a.test"), "w.png").toString())
                .isEqualTo("http://a.test/w.png");
        assertThat(Arrays.asList("https://b.test/", UrlFetcher.redirectTarget(base, "https://b.test/").toString()))
                .containsOnly("https://b.test/");
    }
}
