package dev.pixmill.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Runs the application on the S3 backend: an S3Proxy for the test class, with a bucket of its own. */
public class S3StorageResource implements QuarkusTestResourceLifecycleManager {

    public static final String BUCKET = "pixmill-flow";
    public static final String PREFIX = "run/";

    /** The running server, for tests that look into the bucket. */
    public static volatile S3Server server;

    @Override
    public Map<String, String> start() {
        server = S3Server.start();
        server.createBucket(BUCKET);
        return server.config(BUCKET, PREFIX);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
