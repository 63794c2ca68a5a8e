package dev.pixmill.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.fail;

/**
 * A webhook receiver on loopback for tests: records every request (headers, raw body, arrival time)
 * by path, and answers as told for that path (by default 200 "ok").
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as it arrived; {@code headers} keyed case-insensitively. */
    public record Received(Map<String, List<String>> headers, String body, long atNanos) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.getFirst();
        }
    }

    /** How to answer: status, body, and how long to wait first. */
    public record Reply(int status, String body, long delayMillis) {
        public static Reply ok() {
            return new Reply(200, "ok", 0);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, List<Received>> received = new ConcurrentHashMap<>();
    private final Map<String, IntFunction<Reply>> replies = new ConcurrentHashMap<>();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    public static WebhookReceiver start() throws IOException {
        WebhookReceiver receiver = new WebhookReceiver(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50));
        receiver.server.createContext("/", receiver::handle);
        receiver.server.setExecutor(receiver.threads);
        receiver.server.start();
        return receiver;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL of {@code path} (starting with /) on this receiver. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Answers the n-th request (1-based) to {@code path} with what {@code reply} gives for n. */
    public void on(String path, IntFunction<Reply> reply) {
        replies.put(path, reply);
    }

    public List<Received> received(String path) {
        return List.copyOf(received.getOrDefault(path, List.of()));
    }

    /** Waits until {@code path} has had at least {@code n} requests. */
    public List<Received> await(String path, int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Received> got = received(path);
            if (got.size() >= n) {
                return got;
            }
            sleep(20);
        }
        return fail(path + " got " + received(path).size() + " requests, not " + n + ", within " + timeout);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
            List<Received> list = received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>());
            int n;
            synchronized (list) {
                list.add(new Received(headers, new String(body, StandardCharsets.UTF_8), System.nanoTime()));
                n = list.size();
            }
            Reply reply = replies.getOrDefault(path, i -> Reply.ok()).apply(n);
            if (reply.delayMillis() > 0) {
                sleep(reply.delayMillis());
            }
            byte[] answer = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } catch (IOException e) {
            // the sender stopped reading (it keeps a few KB) or gave up: nothing to answer to
        }
    }

    /** Paths with requests so far. */
    public List<String> paths() {
        return new ArrayList<>(received.keySet());
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
