package dev.pixmill.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.support.Magic;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}, as in the image) run as
 * replicas in processes of their own, for the ITs that stop or kill them ({@link GracefulShutdownIT},
 * {@link ReplicaCrashIT}); and the batch they share, read from the database. The replicas use a
 * database of their own beside the test database, new for every IT class, so rows the rest of the
 * suite left behind are not claimed by them.
 */
final class ServiceReplicas {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern JDBC_DB = Pattern.compile("^(jdbc:postgresql://[^/]+/)([^?]+)(\\?.*)?$");
    /** Generous for a loaded 2-core machine: a start takes 3 s there when idle. */
    private static final Duration START = Duration.ofSeconds(60);
    static final String ADMIN_TOKEN = "shutdown-it-operator";

    private static String jdbcUrl;
    private static String reactiveUrl;
    private static String user;
    private static String password;

    private ServiceReplicas() {
    }

    /** Creates the replicas' database afresh: {@code <test database>_it}. */
    static void freshDatabase() throws SQLException {
        String given = System.getProperty("%test.quarkus.datasource.jdbc.url",
                "jdbc:postgresql://127.0.0.1:5432/pixmill_test");
        user = System.getProperty("quarkus.datasource.username", "pixmill");
        password = System.getProperty("quarkus.datasource.password", "pixmill");
        Matcher m = JDBC_DB.matcher(given);
        assertThat(m.matches()).as("a PostgreSQL JDBC URL: %s", given).isTrue();
        String db = m.group(2) + "_it";
        String query = m.group(3) == null ? "" : m.group(3);
        jdbcUrl = m.group(1) + db + query;
        reactiveUrl = jdbcUrl.substring("jdbc:".length());
        try (Connection c = DriverManager.getConnection(given, user, password); Statement s = c.createStatement()) {
            s.execute("drop database if exists \"" + db + "\" with (force)");
            s.execute("create database \"" + db + "\"");
        }
    }

    /** Every item completed, its result a real AVIF of its input's size, read back through {@code via}. */
    static void assertEveryItemCompletedOnce(List<Item> items, List<byte[]> inputs, Replica via)
            throws Exception {
        assertThat(items).hasSize(inputs.size());
        assertThat(items).allSatisfy(i -> assertThat(i.status).isEqualTo("completed"));
        try (Connection c = db(); PreparedStatement q = c.prepareStatement(
                "select total_files, completed_files, failed_files, status from jobs where id = ?")) {
            q.setObject(1, items.getFirst().jobId);
            ResultSet rs = q.executeQuery();
            assertThat(rs.next()).isTrue();
            // the trigger counts each item's end once: a second completion would show here
            assertThat(rs.getInt("completed_files")).isEqualTo(inputs.size());
            assertThat(rs.getInt("failed_files")).isZero();
            assertThat(rs.getString("status")).isEqualTo("completed");
        }
        JsonNode doc = JSON.readTree(via.get("/api/v1/jobs/" + items.getFirst().jobId).body());
        for (JsonNode item : doc.get("items")) {
            int position = position(items, UUID.fromString(item.get("id").asText()));
            BufferedImage input = ImageIO.read(new java.io.ByteArrayInputStream(inputs.get(position)));
            String path = URI.create(item.get("download_url").asText()).getRawPath();
            HttpResponse<byte[]> got = via.getBytes(path);
            assertThat(got.statusCode()).as("download of item %d", position).isEqualTo(200);
            assertThat(Magic.matches(ImageFormat.AVIF, got.body())).as("item %d is an AVIF", position).isTrue();
            assertThat(avifSize(got.body())).as("size of item %d", position)
                    .containsExactly(input.getWidth(), input.getHeight());
            assertThat(item.get("width").asInt()).isEqualTo(input.getWidth());
        }
    }

    /** Width and height from the AVIF's {@code ispe} property, read independently of the engine. */
    private static int[] avifSize(byte[] avif) {
        byte[] tag = "ispe".getBytes(StandardCharsets.ISO_8859_1);
        for (int at = 0; at + 16 <= avif.length; at++) {
            if (Arrays.equals(avif, at, at + 4, tag, 0, 4)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(avif, at + 8, 8); // after version and flags
                return new int[] { b.getInt(), b.getInt() };
            }
        }
        return fail("no ispe box in the AVIF");
    }

    // --- the batch and its items -----------------------------------------------------------------

    record Item(UUID id, UUID jobId, int position, String status, String leaseOwner, List<String> claimedBy,
            int attempts) {
    }

    static List<Item> items(UUID job) throws SQLException {
        try (Connection c = db(); PreparedStatement q = c.prepareStatement("""
                select id, job_id, job_position, status, lease_owner, claimed_by, attempts
                from conversions where job_id = ? order by job_position""")) {
            q.setObject(1, job);
            ResultSet rs = q.executeQuery();
            List<Item> items = new ArrayList<>();
            while (rs.next()) {
                Array claims = rs.getArray("claimed_by");
                String owner = rs.getString("lease_owner");
                items.add(new Item(rs.getObject("id", UUID.class), job, rs.getInt("job_position"),
                        rs.getString("status"), owner,
                        Arrays.stream((String[]) claims.getArray()).map(ServiceReplicas::replicaName).toList(),
                        rs.getInt("attempts")));
            }
            return items;
        }
    }

    /** The replica's name (its HOSTNAME) in a worker identity {@code name/random}. */
    private static String replicaName(String worker) {
        return worker.substring(0, worker.indexOf('/'));
    }

    static List<Item> awaitItems(UUID job, Predicate<List<Item>> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<Item> items = items(job);
        while (!until.test(items)) {
            if (System.nanoTime() > deadline) {
                fail("the batch did not reach the expected state within 60 s: " + items);
            }
            Thread.sleep(20);
            items = items(job);
        }
        return items;
    }

    static List<Item> awaitBatchEnd(UUID job) throws Exception {
        return awaitItems(job, items -> items.stream().allMatch(i -> i.status.equals("completed")
                || i.status.equals("failed")));
    }

    static Item item(List<Item> items, UUID id) {
        return items.stream().filter(i -> i.id.equals(id)).findFirst().orElseThrow();
    }

    static int position(List<Item> items, UUID id) {
        return item(items, id).position;
    }

    static long count(List<Item> items, Predicate<Item> which) {
        return items.stream().filter(which).count();
    }

    static UUID submitBatch(Replica r, List<byte[]> images) throws Exception {
        String boundary = "----pixmill-it-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < images.size(); i++) {
            part(body, boundary, "files\"; filename=\"item" + i + ".jpg", "image/jpeg", images.get(i));
        }
        part(body, boundary, "output_format", null, "avif".getBytes(StandardCharsets.UTF_8));
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(r.uri("/api/v1/convert/batch"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as("batch answer: %s", res.body()).isEqualTo(202);
        return UUID.fromString(JSON.readTree(res.body()).get("job_id").asText());
    }

    static void part(ByteArrayOutputStream body, String boundary, String name, String type, byte[] data)
            throws IOException {
        StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n");
        if (type != null) {
            head.append("Content-Type: ").append(type).append("\r\n");
        }
        body.write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        body.write(data);
        body.write("\r\n".getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Noise photographs (JPEG, which even a loaded machine writes fast), each a few pixels larger
     * than the one before, so every result's size names its input; noise keeps the AVIF encoder
     * busy for a second or more per item.
     */
    static List<byte[]> images(int n, int width, int height) {
        Random random = new Random(42);
        BufferedImage noise = new BufferedImage(width + 9 * n, height + 7 * n, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[noise.getWidth()];
        for (int y = 0; y < noise.getHeight(); y++) {
            for (int x = 0; x < row.length; x++) {
                row[x] = random.nextInt(1 << 24);
            }
            noise.setRGB(0, y, row.length, 1, row, 0, row.length);
        }
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage part = noise.getSubimage(i, i, width + 8 * i, height + 6 * i);
            BufferedImage copy = new BufferedImage(part.getWidth(), part.getHeight(), BufferedImage.TYPE_INT_RGB);
            copy.getGraphics().drawImage(part, 0, 0, null);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ImageIO.write(copy, "jpg", out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            images.add(out.toByteArray());
        }
        return images;
    }

    static Connection db() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    // --- replicas ------------------------------------------------------------------------------

    /**
     * The service as a process of its own; its HOSTNAME is {@code name}, so its claims carry it.
     * Without {@code explicitHeap} it is a plain {@code java -jar}, which restarts itself as a child
     * JVM with bounded settings (JvmDefaults); {@code config} is passed as system properties.
     */
    static final class Replica {
        final String name;
        final int port;
        final Path log;
        final Process process;

        Replica(Class<?> test, String name, Duration grace, boolean explicitHeap, Map<String, String> config)
                throws IOException {
            this.name = name;
            this.port = freePort();
            Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
            assertThat(jar).as("the packaged service (mvn package)").exists();
            Path dir = Files.createDirectories(Path.of("target", "failsafe-reports"));
            this.log = dir.resolve(test.getSimpleName() + "-" + name + "-" + port + ".log");
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            if (explicitHeap) {
                cmd.add("-Xmx256m");
            }
            cmd.add("--enable-native-access=ALL-UNNAMED");
            Map<String, String> props = new LinkedHashMap<>();
            props.put("quarkus.http.port", String.valueOf(port));
            props.put("quarkus.datasource.jdbc.url", jdbcUrl);
            props.put("quarkus.datasource.reactive.url", reactiveUrl);
            props.put("quarkus.datasource.username", user);
            props.put("quarkus.datasource.password", password);
            props.put("quarkus.log.console.json.enabled", "false");
            props.put("pixmill.jobs.shutdown-grace", grace.toMillis() + "ms");
            // the requests' drain ends as soon as none is in flight; 10 s (prod) cut a synchronous
            // optimize that a heavily loaded CI machine took longer over
            props.put("quarkus.shutdown.timeout", "30s");
            props.put("pixmill.admin.token", ADMIN_TOKEN);
            props.put("pixmill.limits.anonymous.requests-per-minute", "100000");
            props.put("pixmill.limits.anonymous.conversions-per-day", "100000");
            props.putAll(config);
            props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            cmd.add("-jar");
            cmd.add(jar.toString());
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("HOSTNAME", name);
            pb.environment().remove("PIXMILL_JVM_DEFAULTS");
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            this.process = pb.start();
        }

        void awaitReady() throws Exception {
            long deadline = System.nanoTime() + START.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    fail(name + " ended during start-up (exit " + process.exitValue() + "); log:\n" + log());
                }
                try {
                    if (get("/q/health/ready").statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            fail(name + " was not ready within " + START.toSeconds() + " s; log:\n" + log());
        }

        /** SIGTERM, as Kubernetes stops a container. */
        void terminate() {
            process.destroy();
        }

        int awaitExit(Duration within) throws Exception {
            if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                fail(name + " still running " + within.toSeconds() + " s after SIGTERM; log:\n" + log());
            }
            return process.exitValue();
        }

        /** The JVM that runs the service: the launcher's child, or the process itself. */
        ProcessHandle service() {
            return process.toHandle().children().findFirst().orElse(process.toHandle());
        }

        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        String log() throws IOException {
            return Files.readString(log);
        }

        /** The first group of each line of the log that matches {@code regex}. */
        List<String> logLinesMatching(String regex) throws IOException {
            Matcher m = Pattern.compile(regex).matcher(log());
            List<String> found = new ArrayList<>();
            while (m.find()) {
                found.add(m.group(1));
            }
            return found;
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
    }
}
