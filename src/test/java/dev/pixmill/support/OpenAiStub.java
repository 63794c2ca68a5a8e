package dev.pixmill.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small server on loopback that speaks the OpenAI images API ({@code POST /v1/images/generations})
 * the way hosted and self-hosted servers answer it. What it answers is chosen by a marker in the
 * prompt: {@code [url]} a url answer (served by {@code /files/...}), {@code [bad-request]} a 400
 * with an OpenAI error, {@code [flaky]} a 500 then success, {@code [rate-limited]} a 429 then
 * success, {@code [always-503]}, {@code [slow]} an answer after 10 s, {@code [not-an-image]} bytes
 * that are not an image; anything else a {@code b64_json} PNG of the size asked for. One per JVM.
 */
public final class OpenAiStub {

    public static final String API_KEY = "sk-test-0123456789";
    static final Pattern SIZE = Pattern.compile("(\\d+)x(\\d+)");
    private static OpenAiStub shared;

    /** One request as it arrived; {@code headers} keyed case-insensitively. */
    public record Call(String path, Map<String, List<String>> headers, JsonNode body) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.getFirst();
        }
    }

    private static final String PROPERTY = "pixmill.test.openai-stub";
    private final HttpServer server;
    private final String baseUrl;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();

    private OpenAiStub(HttpServer server, String baseUrl) {
        this.server = server;
        this.baseUrl = baseUrl;
    }

    /**
     * The stub of this JVM. A Quarkus test runs in another class loader than its profile, which
     * starts the stub: the started one is found through a system property, and a second class
     * loader's instance reads its calls over HTTP ({@code GET /_calls}).
     */
    public static synchronized OpenAiStub shared() {
        if (shared == null) {
            String running = System.getProperty(PROPERTY);
            shared = running != null ? new OpenAiStub(null, running) : start();
        }
        return shared;
    }

    private static OpenAiStub start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            OpenAiStub stub = new OpenAiStub(server, "http://127.0.0.1:" + server.getAddress().getPort());
            server.createContext("/v1/images/generations", stub::generations);
            server.createContext("/files/", stub::file);
            server.createContext("/_calls", stub::listCalls);
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "openai-stub");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            System.setProperty(PROPERTY, stub.baseUrl);
            return stub;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The calls whose prompt contains {@code text} (generation calls) or whose path does (downloads). */
    public List<Call> callsFor(String text) {
        return allCalls().stream().filter(c -> c.path().contains(text)
                || c.body() != null && c.body().path("prompt").asText("").contains(text)).toList();
    }

    private List<Call> allCalls() {
        if (server != null) {
            return List.copyOf(calls);
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            byte[] answer = client.send(HttpRequest.newBuilder(URI.create(baseUrl + "/_calls")).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            List<Call> list = new ArrayList<>();
            for (JsonNode c : json.readTree(answer)) {
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                c.path("headers").fields().forEachRemaining(e -> {
                    List<String> values = new ArrayList<>();
                    e.getValue().forEach(v -> values.add(v.asText()));
                    headers.put(e.getKey(), values);
                });
                list.add(new Call(c.path("path").asText(), headers, c.path("body").isNull() ? null : c.path("body")));
            }
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void listCalls(HttpExchange exchange) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Call c : calls) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", c.path());
            m.put("headers", c.headers());
            m.put("body", c.body());
            out.add(m);
        }
        send(exchange, 200, Map.of(), json.writeValueAsString(out));
    }

    private void generations(HttpExchange exchange) throws IOException {
        JsonNode body = json.readTree(exchange.getRequestBody().readAllBytes());
        calls.add(new Call(exchange.getRequestURI().getPath(), headers(exchange), body));
        String prompt = body.path("prompt").asText("");
        int attempt = tries.computeIfAbsent(prompt, p -> new AtomicInteger()).incrementAndGet();
        Matcher size = SIZE.matcher(body.path("size").asText("1024x1024"));
        int w = size.matches() ? Integer.parseInt(size.group(1)) : 1024;
        int h = size.matches() ? Integer.parseInt(size.group(2)) : 1024;
        if (prompt.contains("[bad-request]")) {
            send(exchange, 400, Map.of(), "{\"error\": {\"message\": \"Your request was rejected as a result of our "
                    + "safety system.\", \"type\": \"invalid_request_error\", \"param\": null, "
                    + "\"code\": \"content_policy_violation\"}}");
        } else if (prompt.contains("[flaky]") && attempt == 1) {
            send(exchange, 500, Map.of(), "{\"error\": {\"message\": \"The server had an error while processing "
                    + "your request. Sorry about that!\", \"type\": \"server_error\"}}");
        } else if (prompt.contains("[rate-limited]") && attempt == 1) {
            send(exchange, 429, Map.of("Retry-After", "0"), "{\"error\": {\"message\": \"Rate limit reached for "
                    + "images per minute.\", \"type\": \"requests\", \"code\": \"rate_limit_exceeded\"}}");
        } else if (prompt.contains("[always-503]")) {
            send(exchange, 503, Map.of(), "<html><body>Service Unavailable</body></html>");
        } else if (prompt.contains("[url]")) {
            send(exchange, 200, Map.of(), "{\"created\": 1732180000, \"data\": [{\"url\": \"" + baseUrl() + "/files/"
                    + w + "x" + h + ".png?sig=abc\", \"revised_prompt\": \"A revised prompt.\"}]}");
        } else if (prompt.contains("[not-an-image]")) {
            send(exchange, 200, Map.of(), "{\"data\": [{\"b64_json\": \""
                    + Base64.getEncoder().encodeToString("hello, world".getBytes(StandardCharsets.UTF_8)) + "\"}]}");
        } else {
            if (prompt.contains("[slow]")) {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            send(exchange, 200, Map.of(), "{\"created\": 1732180000, \"data\": [{\"b64_json\": \""
                    + Base64.getEncoder().encodeToString(TestImages.png(w, h)) + "\", \"revised_prompt\": \"A fox.\"}]}");
        }
    }

    private void file(HttpExchange exchange) throws IOException {
        calls.add(new Call(exchange.getRequestURI().getPath(), headers(exchange), null));
        Matcher size = Pattern.compile("/files/(\\d+)x(\\d+)\\.png").matcher(exchange.getRequestURI().getPath());
        if (!size.matches()) {
            send(exchange, 404, Map.of(), "not found");
            return;
        }
        byte[] png = TestImages.png(Integer.parseInt(size.group(1)), Integer.parseInt(size.group(2)));
        exchange.getResponseHeaders().add("Content-Type", "image/png");
        exchange.sendResponseHeaders(200, png.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(png);
        }
    }

    private static Map<String, List<String>> headers(HttpExchange exchange) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
        return headers;
    }

    private static void send(HttpExchange exchange, int status, Map<String, String> headers, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", body.startsWith("{") || body.startsWith("[") ? "application/json" : "text/html");
        headers.forEach(exchange.getResponseHeaders()::add);
        try {
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException clientLeft) {
            // the client gave up waiting (a time-out test): nothing to answer
            exchange.close();
        }
    }
}
