package dev.pixmill.storage;

import dev.pixmill.support.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract on a real S3 API (S3Proxy), path-style, under a key prefix as deployments use it. */
class S3ObjectStoreTest extends ObjectStoreContract {

    private static S3Server server;
    private static S3ObjectStore store;

    @BeforeAll
    static void start() {
        server = S3Server.start();
        server.createBucket("contract");
        store = new S3ObjectStore(settings(server.endpoint(), "contract", "deployment-a"));
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    ObjectStore store() {
        return store;
    }

    @Test
    void keysLiveUnderThePrefixInTheBucket() {
        store.put("blobs/prefixed", ObjectStore.Body.of(new byte[] { 7 })).await().indefinitely();
        try (var client = server.client()) {
            var keys = client.listObjectsV2(b -> b.bucket("contract").prefix("deployment-a/blobs/prefixed")).join()
                    .contents().stream().map(o -> o.key()).toList();
            assertThat(keys).containsExactly("deployment-a/blobs/prefixed");
        }
    }

    @Test
    void aBucketThatIsNotThereIsNotReady() {
        try (S3ObjectStore elsewhere = new S3ObjectStore(settings(server.endpoint(), "no-such-bucket", ""))) {
            assertThatThrownBy(() -> elsewhere.ready().await().indefinitely()).isNotNull();
        }
    }

    @Test
    void aMissingBucketIsCreatedWhenAskedAndThenHoldsObjects() {
        String bucket = "made-at-start-" + System.nanoTime();
        try (S3ObjectStore fresh = new S3ObjectStore(settings(server.endpoint(), bucket, "", true))) {
            fresh.ready().await().indefinitely();
            fresh.ready().await().indefinitely(); // there now: nothing to do
            fresh.put("blobs/one", ObjectStore.Body.of(new byte[] { 1, 2, 3 })).await().indefinitely();
            assertThat(fresh.size("blobs/one").await().indefinitely()).isEqualTo(3L);
        }
        try (var client = server.client()) {
            assertThat(client.listBuckets().join().buckets()).anySatisfy(b -> assertThat(b.name()).isEqualTo(bucket));
        }
    }

    static StorageConfig.S3 settings(URI endpoint, String bucket, String prefix) {
        return settings(endpoint, bucket, prefix, false);
    }

    static StorageConfig.S3 settings(URI endpoint, String bucket, String prefix, boolean createBucket) {
        return new StorageConfig.S3() {
            @Override
            public boolean createBucket() {
                return createBucket;
            }

            @Override
            public Optional<String> bucket() {
                return Optional.of(bucket);
            }

            @Override
            public Optional<String> prefix() {
                return Optional.of(prefix);
            }

            @Override
            public Optional<URI> endpoint() {
                return Optional.of(endpoint);
            }

            @Override
            public String region() {
                return "us-east-1";
            }

            @Override
            public Optional<String> accessKeyId() {
                return Optional.of(S3Server.ACCESS_KEY);
            }

            @Override
            public Optional<String> secretAccessKey() {
                return Optional.of(S3Server.SECRET_KEY);
            }

            @Override
            public boolean pathStyle() {
                return true;
            }

            @Override
            public int maxConnections() {
                return 16;
            }
        };
    }
}
