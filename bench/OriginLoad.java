import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The load generator of bench/ipx.sh: the same client, the same photos, the same requests for
 * ipx and for Pixmill's dialects, so that only the server differs.
 *
 * <p>Targets: {@code ipx} (GET {@code /fit_inside,s_WxH,f_F,q_80/<file>}, the photo read from
 * ipx's directory), {@code imgcompress} (sync=1, quality 80, a width/height box, the result as
 * base64 in the answer), {@code convert} (upload, follow the SSE stream, download) and
 * {@code optimize} (level 10, a ratio box, the image in the answer). Every answer is checked: the
 * format's magic bytes and dimensions that fit the box with the longest side on it.
 *
 * <p>Patterns: {@code distinct} (the photos in turn, one transform; uploads carry a fresh JPEG
 * comment each, so no result cache can answer) and {@code zipf} (Zipf s=1 over photos x 5
 * transforms, fixed seeds, the same sequence for every target, as a CDN origin sees it).
 *
 * <p>While it runs it samples the server process tree's RSS (pid and descendants, every 100 ms)
 * and measures its own CPU and the server's, so a saturated client would show.
 *
 * <p>usage: java OriginLoad.java key=value... with target, base, photos (a directory of .jpg),
 * pattern, format (distinct), concurrency (4), seconds (30), warmup (seconds, 5), key, pid, label
 */
public class OriginLoad {

    /** A box and a format; the quality is 80 everywhere. */
    record Transform(int box, String format) {
    }

    /** The repeated-work mix: what a page's image slots ask an origin for. */
    static final List<Transform> ZIPF_TRANSFORMS = List.of(new Transform(1000, "webp"), new Transform(1000, "jpg"),
            new Transform(600, "webp"), new Transform(400, "jpg"), new Transform(200, "webp"));

    record Item(int photo, Transform transform) {
    }

    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern STATUS = Pattern.compile("\"status\":\"(\\w+)\"");
    private static final Pattern DOWNLOAD = Pattern.compile("\"download_url\":\"([^\"]+)\"");
    private static final Pattern IMAGE = Pattern.compile("\"image\":\"([A-Za-z0-9+/=]+)\"");

    private final Map<String, String> args;
    private final String target;
    private final String base;
    private final List<Path> photoFiles;
    private final List<byte[]> photos = new ArrayList<>();
    private final HttpClient client;
    private final AtomicLong nonce = new AtomicLong();

    OriginLoad(Map<String, String> args) throws IOException {
        this.args = args;
        this.target = args.get("target");
        this.base = args.get("base");
        try (Stream<Path> files = Files.list(Path.of(args.get("photos")))) {
            photoFiles = files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        for (Path p : photoFiles) {
            photos.add(Files.readAllBytes(p));
        }
        // HTTP/1.1 for both servers: keep-alive connections, no h2c upgrade attempt
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (String a : argv) {
            int eq = a.indexOf('=');
            args.put(a.substring(0, eq), a.substring(eq + 1));
        }
        new OriginLoad(args).run();
    }

    void run() throws Exception {
        int concurrency = Integer.parseInt(args.getOrDefault("concurrency", "4"));
        long seconds = Long.parseLong(args.getOrDefault("seconds", "30"));
        long warmup = Long.parseLong(args.getOrDefault("warmup", "5"));
        String pattern = args.getOrDefault("pattern", "distinct");
        long pid = Long.parseLong(args.getOrDefault("pid", "0"));

        // warm-up: the same traffic (other seeds for zipf), not counted
        phase(concurrency, warmup, pattern, 1000, null);
        RssSampler rss = new RssSampler(pid);
        rss.start();
        long clientCpu0 = processCpuNanos();
        long serverCpu0 = treeCpuTicks(pid);
        double load0 = loadAverage();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        int failures = phase(concurrency, seconds, pattern, 0, latencies);
        double elapsed = (System.nanoTime() - start) / 1e9;
        double clientCores = (processCpuNanos() - clientCpu0) / 1e9 / elapsed;
        double serverCores = (treeCpuTicks(pid) - serverCpu0) / 100.0 / elapsed;
        rss.stop();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf(
                "RESULT label=%s target=%s pattern=%s format=%s concurrency=%d completed=%d failed=%d elapsed=%.1f "
                        + "throughput=%.2f p50=%.0f p95=%.0f peak_rss_mb=%d client_cores=%.2f server_cores=%.2f "
                        + "load=%.1f/%.1f%n",
                args.getOrDefault("label", target), target, pattern, args.getOrDefault("format", "-"), concurrency,
                sorted.size(), failures, elapsed, sorted.size() / elapsed, pct(sorted, 50), pct(sorted, 95),
                rss.peakMb(), clientCores, serverCores, load0, loadAverage());
    }

    /** Runs the clients for that long; returns the failures, records latencies when asked. */
    private int phase(int concurrency, long seconds, String pattern, int seedBase, List<Long> latencies)
            throws Exception {
        if (seconds <= 0) {
            return 0;
        }
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<Integer>> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            int client = i;
            workers.add(pool.submit(() -> {
                Zipf zipf = new Zipf(photos.size() * ZIPF_TRANSFORMS.size(), 1.0, seedBase + client);
                int failures = 0;
                int next = client;
                while (System.nanoTime() < end) {
                    Item item = pattern.equals("zipf") ? zipf.item(photos.size())
                            : new Item(next++ % photos.size(), new Transform(1000, args.get("format")));
                    long t = System.nanoTime();
                    String error;
                    try {
                        error = once(item, !pattern.equals("zipf"));
                    } catch (IOException | RuntimeException e) {
                        error = e.toString();
                    }
                    if (error == null) {
                        if (latencies != null) {
                            latencies.add(System.nanoTime() - t);
                        }
                    } else {
                        if (failures++ < 3) {
                            System.err.println(target + ": " + error);
                        }
                    }
                }
                return failures;
            }));
        }
        int failures = 0;
        for (Future<Integer> w : workers) {
            failures += w.get();
        }
        pool.shutdown();
        return failures;
    }

    /** One request of the target; null when the answer is a right image, else what was wrong. */
    private String once(Item item, boolean unique) throws IOException, InterruptedException {
        Transform t = item.transform();
        String key = args.get("key");
        return switch (target) {
            case "ipx" -> {
                String url = base + "/fit_inside,s_" + t.box() + "x" + t.box() + ",f_" + ipxFormat(t.format())
                        + ",q_80/" + photoFiles.get(item.photo()).getFileName();
                HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                yield r.statusCode() != 200 ? "HTTP " + r.statusCode() : check(r.body(), t);
            }
            case "imgcompress" -> {
                HttpResponse<String> r = client.send(post("/api/tasks/visual/imgcompress", "X-API-KEY", key,
                        multipart("image_file", upload(item, unique), "format", t.format(), "quality", "80", "width",
                                "" + t.box(), "height", "" + t.box(), "sync", "1", "return_type", "2")),
                        HttpResponse.BodyHandlers.ofString());
                Matcher image = IMAGE.matcher(r.body());
                yield r.statusCode() != 200 || !r.body().contains("\"state\":1") || !image.find()
                        ? "HTTP " + r.statusCode() + " " + abbreviate(r.body())
                        : check(Base64.getDecoder().decode(image.group(1)), t);
            }
            case "optimize" -> {
                HttpResponse<byte[]> r = client.send(post("/api/v1/optimize", "X-API-Key", key,
                        multipart("image", upload(item, unique), "output_format", t.format(), "quality", "10",
                                "ratio", t.box() + "x" + t.box())),
                        HttpResponse.BodyHandlers.ofByteArray());
                yield r.statusCode() != 200 ? "HTTP " + r.statusCode() + " " + abbreviate(new String(r.body()))
                        : check(r.body(), t);
            }
            case "convert" -> convert(item, unique);
            default -> throw new IllegalArgumentException("unknown target " + target);
        };
    }

    private String convert(Item item, boolean unique) throws IOException, InterruptedException {
        Transform t = item.transform();
        HttpResponse<String> accepted = client.send(post("/api/v1/convert", null, null,
                multipart("file", upload(item, unique), "output_format", t.format(), "width", "" + t.box(), "height",
                        "" + t.box(), "quality", "80")),
                HttpResponse.BodyHandlers.ofString());
        Matcher id = ID.matcher(accepted.body());
        if (accepted.statusCode() != 202 || !id.find()) {
            return "HTTP " + accepted.statusCode() + " " + abbreviate(accepted.body());
        }
        HttpResponse<Stream<String>> events = client.send(HttpRequest.newBuilder(
                URI.create(base + "/api/v1/convert/" + id.group(1) + "/events")).build(),
                HttpResponse.BodyHandlers.ofLines());
        String last = events.body().filter(line -> line.startsWith("data:")).reduce((a, b) -> b).orElse("");
        Matcher s = STATUS.matcher(last);
        Matcher d = DOWNLOAD.matcher(last);
        if (!s.find() || !s.group(1).equals("completed") || !d.find()) {
            return "conversion ended: " + abbreviate(last);
        }
        HttpResponse<byte[]> result = client.send(HttpRequest.newBuilder(URI.create(base + d.group(1))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return result.statusCode() != 200 ? "download HTTP " + result.statusCode() : check(result.body(), t);
    }

    /** The photo's bytes; for distinct work with a JPEG comment no other request carries. */
    private byte[] upload(Item item, boolean unique) {
        byte[] photo = photos.get(item.photo());
        if (!unique) {
            return photo;
        }
        byte[] text = ("bench " + UUID.randomUUID() + " " + nonce.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[photo.length + 4 + text.length];
        // SOI, then a COM segment (FF FE, length including itself), then the rest of the file
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xD8;
        out[2] = (byte) 0xFF;
        out[3] = (byte) 0xFE;
        out[4] = (byte) ((text.length + 2) >> 8);
        out[5] = (byte) (text.length + 2);
        System.arraycopy(text, 0, out, 6, text.length);
        System.arraycopy(photo, 2, out, 6 + text.length, photo.length - 2);
        return out;
    }

    private static String ipxFormat(String format) {
        return format.equals("jpg") ? "jpeg" : format;
    }

    /** Null when the bytes are an image of the transform's format that fits its box exactly. */
    static String check(byte[] b, Transform t) {
        int[] size = t.format().equals("webp") ? webpSize(b) : jpegSize(b);
        if (size == null) {
            return "not a " + t.format() + " image (" + b.length + " bytes)";
        }
        if (Math.max(size[0], size[1]) != t.box()) {
            return "image is " + size[0] + "x" + size[1] + ", not fitted into " + t.box();
        }
        return null;
    }

    static int[] jpegSize(byte[] b) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return null;
        }
        int i = 2;
        while (i + 9 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = b[i + 1] & 0xFF;
            int length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC)
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                int h = ((b[i + 5] & 0xFF) << 8) | (b[i + 6] & 0xFF);
                int w = ((b[i + 7] & 0xFF) << 8) | (b[i + 8] & 0xFF);
                return new int[] {w, h};
            }
            i += 2 + length;
        }
        return null;
    }

    static int[] webpSize(byte[] b) {
        if (b.length < 30 || !new String(b, 0, 4, StandardCharsets.US_ASCII).equals("RIFF")
                || !new String(b, 8, 4, StandardCharsets.US_ASCII).equals("WEBP")) {
            return null;
        }
        String chunk = new String(b, 12, 4, StandardCharsets.US_ASCII);
        return switch (chunk) {
            case "VP8 " -> new int[] {le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF};
            case "VP8L" -> {
                int bits = (b[21] & 0xFF) | (b[22] & 0xFF) << 8 | (b[23] & 0xFF) << 16 | (b[24] & 0xFF) << 24;
                yield new int[] {(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
            }
            case "VP8X" -> new int[] {le24(b, 24) + 1, le24(b, 27) + 1};
            default -> null;
        };
    }

    private static int le16(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    private static int le24(byte[] b, int i) {
        return le16(b, i) | (b[i + 2] & 0xFF) << 16;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private record Body(String boundary, byte[] bytes) {
    }

    private static Body multipart(String fileField, byte[] image, String... fields) throws IOException {
        String boundary = "bench" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream(image.length + 1024);
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

    private HttpRequest post(String path, String keyHeader, String key, Body body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "multipart/form-data; boundary=" + body.boundary())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
        if (key != null) {
            request.header(keyHeader, key);
        }
        return request.build();
    }

    private static double pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1e6;
    }

    /** Zipf(s) over ranks 1..n by inverse CDF; rank r maps to a fixed shuffled (photo, transform). */
    static final class Zipf {
        private final double[] cdf;
        private final int[] order;
        private final Random random;

        Zipf(int n, double s, long seed) {
            cdf = new double[n];
            double sum = 0;
            for (int r = 1; r <= n; r++) {
                sum += 1 / Math.pow(r, s);
                cdf[r - 1] = sum;
            }
            for (int i = 0; i < n; i++) {
                cdf[i] /= sum;
            }
            // which item is popular is fixed (seed 42) for every target and client
            List<Integer> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                items.add(i);
            }
            Collections.shuffle(items, new Random(42));
            order = items.stream().mapToInt(Integer::intValue).toArray();
            random = new Random(seed);
        }

        Item item(int photos) {
            double u = random.nextDouble();
            int lo = 0;
            int hi = cdf.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cdf[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            int item = order[lo];
            return new Item(item % photos, ZIPF_TRANSFORMS.get(item / photos));
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static List<ProcessHandle> tree(long pid) {
        List<ProcessHandle> all = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(p -> {
            all.add(p);
            p.descendants().forEach(all::add);
        });
        return all;
    }

    /** utime + stime of the process tree, in clock ticks (USER_HZ, 100 on Linux). */
    private static long treeCpuTicks(long pid) {
        long ticks = 0;
        for (ProcessHandle p : tree(pid)) {
            try {
                String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                // gone meanwhile
            }
        }
        return ticks;
    }

    /** Samples VmRSS of the server's process tree every 100 ms and keeps the highest sum. */
    static final class RssSampler {
        private final long pid;
        private volatile boolean running = true;
        private volatile long peakKb;
        private Thread thread;

        RssSampler(long pid) {
            this.pid = pid;
        }

        void start() {
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (running) {
                    long kb = 0;
                    for (ProcessHandle p : tree(pid)) {
                        try {
                            for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
                                if (line.startsWith("VmRSS:")) {
                                    kb += Long.parseLong(line.replaceAll("\\D", ""));
                                }
                            }
                        } catch (IOException | RuntimeException e) {
                            // gone meanwhile
                        }
                    }
                    peakKb = Math.max(peakKb, kb);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        long peakMb() {
            return peakKb / 1024;
        }
    }
}
