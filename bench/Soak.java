import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Soak: N clients send mixed valid work (every photo in IMAGE_DIR, every output format, half of
 * it resized to fit 1200x1200) through upload, SSE and download for SECONDS, while the service's
 * RSS (pid PID and its child processes) is sampled every 10 s; the peak is the sum of their peaks. Prints the samples, the outcome counts, the peak and the
 * growth between minute 2 and the end. Only talks to BASE_URL (loopback); stops by itself.
 *
 * usage: java Soak.java BASE_URL IMAGE_DIR CONCURRENCY SECONDS PID
 */
public class Soak {

    private static final String[] FORMATS = {"jpg", "png", "webp", "avif", "heic", "gif", "tiff", "bmp", "ico",
        "pdf", "svg"};
    private static final Pattern STATUS = Pattern.compile("\"status\":\"(\\w+)\"");
    private static final Pattern DOWNLOAD = Pattern.compile("\"download_url\":\"([^\"]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern ERROR = Pattern.compile("\"error\":\"([^\"]+)\"");
    private static final Pattern FAILURE = Pattern.compile("\"error_message\":\"([^\"]{0,48})");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        List<byte[]> images = new ArrayList<>();
        try (var files = Files.list(Path.of(args[1]))) {
            for (Path p : files.sorted().toList()) {
                images.add(Files.readAllBytes(p));
            }
        }
        int concurrency = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        long pid = Long.parseLong(args[4]);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        LongAdder done = new LongAdder();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            clients.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    String outcome;
                    try {
                        outcome = convertOnce(client, base, images.get(r.nextInt(images.size())),
                                FORMATS[r.nextInt(FORMATS.length)], r.nextBoolean());
                    } catch (Exception e) {
                        outcome = "exception " + e.getClass().getSimpleName();
                    }
                    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                    done.increment();
                }
            }));
        }
        List<long[]> samples = new ArrayList<>();
        while (System.nanoTime() < end) {
            Thread.sleep(10_000);
            long t = (System.nanoTime() - start) / 1_000_000_000L;
            long rss = status(pid, "VmRSS");
            samples.add(new long[] {t, rss});
            System.out.printf("t=%4ds rss=%4d MB conversions=%d%n", t, rss >> 10, done.sum());
        }
        for (Thread c : clients) {
            c.join(Duration.ofMinutes(3));
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long peak = status(pid, "VmHWM");
        long afterWarmup = samples.stream().filter(s -> s[0] >= 120).mapToLong(s -> s[1]).min().orElse(0);
        long max = samples.stream().filter(s -> s[0] >= 120).mapToLong(s -> s[1]).max().orElse(0);
        long atTwo = samples.stream().filter(s -> s[0] >= 120).findFirst().map(s -> s[1]).orElse(0L);
        long last = samples.isEmpty() ? 0 : samples.get(samples.size() - 1)[1];
        // flatness: mean RSS of the first and second half of the samples after warm-up
        List<long[]> warm = samples.stream().filter(s -> s[0] >= 120).toList();
        double firstHalf = warm.subList(0, warm.size() / 2).stream().mapToLong(s -> s[1]).average().orElse(0);
        double secondHalf = warm.subList(warm.size() / 2, warm.size()).stream().mapToLong(s -> s[1]).average()
                .orElse(0);
        System.out.println("outcomes: " + outcomes);
        System.out.printf("conversions=%d in %.0fs (%.2f/s), RSS after warm-up (t>=120s) min=%d MB max=%d MB, "
                        + "minute 2=%d MB, end=%d MB, growth=%.1f%%, mean first/second half %.0f/%.0f MB (%+.1f%%), "
                        + "peak RSS=%d MB%n", done.sum(), elapsed, done.sum() / elapsed, afterWarmup >> 10, max >> 10,
                atTwo >> 10, last >> 10, atTwo == 0 ? 0 : 100.0 * (last - atTwo) / atTwo, firstHalf / 1024,
                secondHalf / 1024, firstHalf == 0 ? 0 : 100.0 * (secondHalf - firstHalf) / firstHalf, peak >> 10);
    }

    /** KB of {@code key} summed over the process and its descendants (a java -jar restarts itself). */
    private static long status(long pid, String key) throws Exception {
        long sum = 0;
        List<Long> pids = new ArrayList<>(List.of(pid));
        ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        for (long p : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + p + "/status"))) {
                    if (line.startsWith(key + ":")) {
                        sum += Long.parseLong(line.replaceAll("\\D+", ""));
                    }
                }
            } catch (java.io.IOException gone) {
                // a renderer that just ended
            }
        }
        return sum;
    }

    private static String convertOnce(HttpClient client, String base, byte[] image, String format, boolean resize)
            throws Exception {
        String boundary = "pixmill" + UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        StringBuilder fields = new StringBuilder();
        field(fields, boundary, "output_format", format);
        field(fields, boundary, "quality", "80");
        if (resize) {
            field(fields, boundary, "width", "1200");
            field(fields, boundary, "height", "1200");
        }
        fields.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n");
        body.write(fields.toString().getBytes(StandardCharsets.UTF_8));
        body.write(image);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> accepted = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/convert"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (accepted.statusCode() != 202) {
            Matcher e = ERROR.matcher(accepted.body());
            if (accepted.statusCode() == 503) {
                Thread.sleep(1000); // busy: back off as Retry-After asks
            }
            return "HTTP " + accepted.statusCode() + (e.find() ? " " + e.group(1) : "");
        }
        Matcher id = ID.matcher(accepted.body());
        if (!id.find()) {
            return "no id";
        }
        HttpResponse<java.util.stream.Stream<String>> events = client.send(HttpRequest.newBuilder(
                URI.create(base + "/api/v1/convert/" + id.group(1) + "/events")).build(),
                HttpResponse.BodyHandlers.ofLines());
        String last = events.body().filter(line -> line.startsWith("data:")).reduce((a, b) -> b).orElse("");
        Matcher s = STATUS.matcher(last);
        Matcher d = DOWNLOAD.matcher(last);
        if (!s.find() || !s.group(1).equals("completed") || !d.find()) {
            Matcher why = FAILURE.matcher(last);
            return "ended " + (s.find(0) ? s.group(1) : "?") + " " + format + (resize ? " resized" : "")
                    + (why.find() ? ": " + why.group(1) : "");
        }
        HttpResponse<byte[]> result = client.send(HttpRequest.newBuilder(URI.create(base + d.group(1))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return result.statusCode() == 200 && result.body().length > 0 ? "ok" : "download " + result.statusCode();
    }

    private static void field(StringBuilder sb, String boundary, String name, String value) {
        sb.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(name)
                .append("\"\r\n\r\n").append(value).append("\r\n");
    }
}
