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
 * End-to-end HTTP load: N clients, each repeatedly uploads the image, follows the conversion's
 * SSE stream until it ends, and downloads the result. Reports completed conversions per
 * second and latency percentiles. Only talks to the base URL given (loopback).
 *
 * usage: java HttpLoad.java BASE_URL IMAGE FORMAT CONCURRENCY SECONDS
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
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        // warm-up: one conversion per client, not counted
        for (int i = 0; i < concurrency; i++) {
            convertOnce(client, base, image, format);
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
                    if (convertOnce(client, base, image, format)) {
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
        System.out.printf("format=%s concurrency=%d completed=%d failed=%d elapsed=%.1fs throughput=%.2f/s "
                        + "p50=%.0fms p95=%.0fms%n", format, concurrency, sorted.size(), failures, elapsed,
                sorted.size() / elapsed, pct(sorted, 50), pct(sorted, 95));
    }

    private static double pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1e6;
    }

    private static boolean convertOnce(HttpClient client, String base, byte[] image, String format) throws Exception {
        String boundary = "pixmill" + UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"output_format\"\r\n\r\n" + format
                + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"width\"\r\n\r\n1000\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"height\"\r\n\r\n1000\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"quality\"\r\n\r\n80\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(image);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> accepted = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/convert"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
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
