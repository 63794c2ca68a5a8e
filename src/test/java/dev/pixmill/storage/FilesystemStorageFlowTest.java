package dev.pixmill.storage;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The storage flow on the default backend: a directory (target/test-blobs in tests). */
@QuarkusTest
class FilesystemStorageFlowTest extends StorageFlowContract {

    @Test
    void theDefaultBackendIsTheConfiguredDirectory() {
        assertThat(objects).isNotNull();
        assertThat(objects.describe()).isEqualTo("filesystem " + Path.of("target/test-blobs").toAbsolutePath().normalize());
        String key = BlobStore.KEY_PREFIX + "zz/visible";
        objects.put(key, ObjectStore.Body.of(new byte[] { 1, 2, 3 })).await().indefinitely();
        assertThat(Files.exists(Path.of("target/test-blobs").resolve(key))).isTrue();
        objects.delete(key).await().indefinitely();
        assertThat(Files.exists(Path.of("target/test-blobs").resolve(key))).isFalse();
    }
}
