package dev.pixmill.storage;

import dev.pixmill.support.S3StorageResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The storage flow on S3 (a real S3 API server, S3Proxy), as replicas on Kubernetes use it. */
@QuarkusTest
@TestProfile(S3StorageFlowTest.OnS3.class)
class S3StorageFlowTest extends StorageFlowContract {

    public static class OnS3 implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(S3StorageResource.class));
        }
    }

    @Test
    void theObjectsAreInTheBucketUnderThePrefix() {
        assertThat(objects.describe()).isEqualTo("s3 bucket " + S3StorageResource.BUCKET + " under " + S3StorageResource.PREFIX);
        String key = BlobStore.KEY_PREFIX + "zz/visible";
        objects.put(key, ObjectStore.Body.of(new byte[] { 1, 2, 3 })).await().indefinitely();
        try (var client = S3StorageResource.server.client()) {
            var head = client.headObject(b -> b.bucket(S3StorageResource.BUCKET).key(S3StorageResource.PREFIX + key)).join();
            assertThat(head.contentLength()).isEqualTo(3);
        }
        objects.delete(key).await().indefinitely();
    }
}
