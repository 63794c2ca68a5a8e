package dev.pixmill.support;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real S3 API server for tests: S3Proxy (Maven Central, copied to target/s3proxy by the build)
 * over jclouds' in-memory "transient" store, run as a child JVM so that its own Jetty and
 * jclouds never share a class path with Quarkus. On a free loopback port; no network needed.
 */
public final class S3Server implements AutoCloseable {

    public static final String ACCESS_KEY = "pixmill-test";
    public static final String SECRET_KEY = "pixmill-test-secret";

    private final Process process;
    private final int port;
    private final Path log;

    private S3Server(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static S3Server start() {
        Path jar = Path.of("target/s3proxy/s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: the build copies it in"
                    + " process-test-resources (run the tests through Maven)");
        }
        try {
            int port = freePort();
            Path dir = Files.createDirectories(Path.of("target/s3proxy/run-" + port));
            Path properties = dir.resolve("s3proxy.conf");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=transient",
                    "jclouds.identity=" + ACCESS_KEY,
                    "jclouds.credential=" + SECRET_KEY, ""));
            Path log = dir.resolve("s3proxy.log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-jar",
                    jar.toAbsolutePath().toString(), "--properties", properties.toAbsolutePath().toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            S3Server server = new S3Server(process, port, log);
            server.awaitListening(Duration.ofSeconds(60));
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("S3Proxy did not start", e);
        }
    }

    private void awaitListening(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited: " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        close();
        throw new IllegalStateException("S3Proxy did not listen within " + timeout + ": " + Files.readString(log));
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A client of its own, e.g. to create buckets or look into them behind Pixmill's back. */
    public S3AsyncClient client() {
        return S3AsyncClient.builder().region(Region.US_EAST_1).endpointOverride(endpoint()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    public void createBucket(String bucket) {
        try (S3AsyncClient client = client()) {
            client.createBucket(b -> b.bucket(bucket)).join();
        }
    }

    /** Pixmill's settings for this server and {@code bucket}. */
    public Map<String, String> config(String bucket, String prefix) {
        return Map.of("pixmill.storage.backend", "s3",
                "pixmill.storage.s3.bucket", bucket,
                "pixmill.storage.s3.prefix", prefix,
                "pixmill.storage.s3.endpoint", endpoint().toString(),
                "pixmill.storage.s3.access-key-id", ACCESS_KEY,
                "pixmill.storage.s3.secret-access-key", SECRET_KEY,
                "pixmill.storage.s3.path-style", "true");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
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
