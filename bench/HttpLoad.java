import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end HTTP load: N clients, each repeatedly sends the image and waits for its result, in
 * one of three dialects:
 * <ul>
 * <li>{@code convert} (default): upload, follow the conversion's SSE stream until it ends, download
 * the result (fit 1000x1000, quality 80);</li>
 * <li>{@code optimize}: one synchronous {@code POST /api/v1/optimize} at level 10, the image in
 * the answer;</li>
 * <li>{@code imgcompress}: one synchronous ({@code sync=1}) task in the default smart quality,
 * the image as base64 in the answer.</li>
 * </ul>
 * Reports completed images per second and latency percentiles. Only talks to the base URL given
 * (loopback).
 *
 * usage: java HttpLoad.java BASE_URL IMAGE FORMAT CONCURRENCY SECONDS [convert|optimize|imgcompress KEY]
 */
public class HttpLoad {

    private static final Pattern STATUS = Pattern.compile("\"status\":\"(\\w+)\"");
    private static final Pattern DOWNLOAD = Pattern.compile("\"download_url\":\"([^\"]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        byte[] image = Files.readAllBytes(Path.of(args[1]));
        String format = args[2];
        int concurrency = Integer.parseInt(args[3]);
        long seconds = Long.parseLong(args[4]);
        String dialect = args.length > 5 ? args[5] : "convert";
        String key = args.length > 6 ? args[6] : null;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        // warm-up: one conversion per client, not counted
        for (int i = 0; i < concurrency; i++) {
            once(client, base, image, format, dialect, key);
        }
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<Integer>> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            workers.add(pool.submit(() -> {
                int failures = 0;
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    if (once(client, base, image, format, dialect, key)) {
                        latencies.add(System.nanoTime() - t);
                    } else {
                        failures++;
                    }
                }
                return failures;
            }));
        }
        int failures = 0;
        for (Future<Integer> w : workers) {
            failures += w.get();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("dialect=%s format=%s concurrency=%d completed=%d failed=%d elapsed=%.1fs throughput=%.2f/s "
                        + "p50=%.0fms p95=%.0fms%n", dialect, format, concurrency, sorted.size(), failures, elapsed,
                sorted.size() / elapsed, pct(sorted, 50), pct(sorted, 95));
    }

    private static double pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1e6;
    }

    private static boolean once(HttpClient client, String base, byte[] image, String format, String dialect,
            String key) throws Exception {
        return switch (dialect) {
            case "convert" -> convertOnce(client, base, image, format);
            case "optimize" -> {
                HttpResponse<byte[]> r = client.send(post(base + "/api/v1/optimize", key, "X-API-Key",
                        multipart("image", image, "output_format", format, "quality", "10")),
                        HttpResponse.BodyHandlers.ofByteArray());
                yield r.statusCode() == 200 && r.body().length > 0;
            }
            case "imgcompress" -> {
                HttpResponse<String> r = client.send(post(base + "/api/tasks/visual/imgcompress", key, "X-API-KEY",
                        multipart("image_file", image, "format", format, "sync", "1", "return_type", "2")),
                        HttpResponse.BodyHandlers.ofString());
                yield r.statusCode() == 200 && r.body().contains("\"state\":1") && r.body().length() > 1000;
            }
            default -> throw new IllegalArgumentException("unknown dialect " + dialect);
        };
    }

    private record Body(String boundary, byte[] bytes) {
    }

    /** A multipart body: the file in {@code fileField}, then name/value pairs. */
    private static Body multipart(String fileField, byte[] image, String... fields) throws java.io.IOException {
        String boundary = "pixmill" + UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < fields.length; i += 2) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n"
                    + fields[i + 1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField
                + "\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(image);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return new Body(boundary, body.toByteArray());
    }

    private static HttpRequest post(String url, String key, String keyHeader, Body body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "multipart/form-data; boundary=" + body.boundary())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
        if (key != null) {
            request.header(keyHeader, key);
        }
        return request.build();
    }

    private static boolean convertOnce(HttpClient client, String base, byte[] image, String format) throws Exception {
        HttpResponse<String> accepted = client.send(post(base + "/api/v1/convert", null, null,
                multipart("file", image, "output_format", format, "width", "1000", "height", "1000", "quality", "80")),
                HttpResponse.BodyHandlers.ofString());
        if (accepted.statusCode() != 202) {
            return false;
        }
        Matcher id = ID.matcher(accepted.body());
        if (!id.find()) {
            return false;
        }
        // follow progress the way a client should: the SSE stream ends after the final state
        HttpResponse<java.util.stream.Stream<String>> events = client.send(HttpRequest.newBuilder(
                URI.create(base + "/api/v1/convert/" + id.group(1) + "/events")).build(), HttpResponse.BodyHandlers.ofLines());
        String last = events.body().filter(line -> line.startsWith("data:")).reduce((a, b) -> b).orElse("");
        Matcher s = STATUS.matcher(last);
        Matcher d = DOWNLOAD.matcher(last);
        if (!s.find() || !s.group(1).equals("completed") || !d.find()) {
            return false;
        }
        HttpResponse<byte[]> result = client.send(HttpRequest.newBuilder(URI.create(base + d.group(1))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return result.statusCode() == 200 && result.body().length > 0;
    }
}
