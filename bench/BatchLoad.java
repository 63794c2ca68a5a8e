import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Batches end to end: each of CONCURRENCY clients uploads one batch of FILES (the same photo under
 * FILES names, streamed from disk), polls the job until it ends, then downloads its ZIP, reading it
 * entry by entry as it arrives. Reports the wall time, files per second and the ZIP's size.
 *
 * usage: java BatchLoad.java BASE_URL IMAGE FILES CONCURRENCY [multipart field=value ...]
 */
public class BatchLoad {

    private static final Pattern JOB = Pattern.compile("\"job_id\":\"([^\"]+)\"");
    private static final Pattern STATUS = Pattern.compile("\"job_id\":\"[^\"]+\",\"status\":\"(\\w+)\"");
    private static final Pattern COMPLETED = Pattern.compile("\"completed_files\":(\\d+)");

    record Outcome(double submitSeconds, double totalSeconds, int completed, long zipBytes, int entries) {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        Path image = Path.of(args[1]);
        int files = Integer.parseInt(args[2]);
        int concurrency = Integer.parseInt(args[3]);
        List<String[]> fields = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            fields.add(args[i].split("=", 2));
        }
        // HTTP/1.1: the default (an h2c upgrade) is not what clients of a large upload use
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r);
            t.setDaemon(true); // a failed batch ends the run instead of leaving it waiting
            return t;
        });
        long t0 = System.nanoTime();
        List<Future<Outcome>> runs = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            runs.add(pool.submit(() -> oneBatch(client, base, image, files, fields)));
        }
        int done = 0;
        for (Future<Outcome> f : runs) {
            Outcome o = f.get();
            done += o.completed();
            System.out.printf("  batch: submit %.1f s, end to end %.1f s, %d completed, ZIP %.0f MB in %d entries%n",
                    o.submitSeconds(), o.totalSeconds(), o.completed(), o.zipBytes() / 1048576.0, o.entries());
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        System.out.printf("batches of %d at concurrency %d: %.1f s wall, %.2f files/s%n", files, concurrency, wall,
                done / wall);
        pool.shutdown();
    }

    static Outcome oneBatch(HttpClient client, String base, Path image, int files, List<String[]> fields)
            throws Exception {
        String boundary = "----pixmill" + UUID.randomUUID();
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        for (String[] f : fields) {
            parts.add(text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f[0] + "\"\r\n\r\n" + f[1]
                    + "\r\n"));
        }
        for (int i = 0; i < files; i++) {
            parts.add(text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"photo" + i
                    + ".jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"));
            parts.add(HttpRequest.BodyPublishers.ofFile(image));
            parts.add(text("\r\n"));
        }
        parts.add(text("--" + boundary + "--\r\n"));
        long t0 = System.nanoTime();
        HttpResponse<String> accepted = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/convert/batch"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (accepted.statusCode() != 202) {
            throw new IllegalStateException("batch refused: " + accepted.statusCode() + " " + accepted.body());
        }
        double submitted = (System.nanoTime() - t0) / 1e9;
        String job = find(JOB, accepted.body());
        String doc;
        while (true) {
            doc = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + job)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (!"processing".equals(find(STATUS, doc))) {
                break;
            }
            Thread.sleep(200);
        }
        HttpResponse<InputStream> zip = client.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + job + "/zip")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long bytes = 0;
        int entries = 0;
        try (ZipInputStream in = new ZipInputStream(zip.body())) {
            byte[] buffer = new byte[1 << 16];
            for (ZipEntry e; (e = in.getNextEntry()) != null; entries++) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    bytes += n;
                }
            }
        }
        return new Outcome(submitted, (System.nanoTime() - t0) / 1e9, Integer.parseInt(find(COMPLETED, doc)), bytes,
                entries);
    }

    private static HttpRequest.BodyPublisher text(String s) {
        return HttpRequest.BodyPublishers.ofString(s, StandardCharsets.UTF_8);
    }

    private static String find(Pattern p, String s) {
        Matcher m = p.matcher(s);
        if (!m.find()) {
            throw new IllegalStateException("unexpected answer: " + s);
        }
        return m.group(1);
    }
}
