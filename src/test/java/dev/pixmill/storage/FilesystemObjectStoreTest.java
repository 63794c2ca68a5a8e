package dev.pixmill.storage;

import io.vertx.mutiny.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract on a real directory, plus what only a directory can get wrong. */
class FilesystemObjectStoreTest extends ObjectStoreContract {

    private static Vertx vertx;
    private static FilesystemObjectStore store;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        store = new FilesystemObjectStore(Files.createTempDirectory(Path.of("target"), "fs-store-"), true, vertx);
    }

    @AfterAll
    static void stop() {
        vertx.closeAndAwait();
    }

    @Override
    ObjectStore store() {
        return store;
    }

    @Test
    void keysCannotLeaveTheDirectory() {
        for (String key : new String[] { "../escape", "/etc/passwd", "blobs/../../x", "a//b", "a/./b", "" }) {
            assertThatThrownBy(() -> store.path(key)).as(key).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(store.path("blobs/ab/c-d_e.f").startsWith(store.root())).isTrue();
    }

    @Test
    void writesLeaveNoTemporaryFilesBehind() throws Exception {
        for (int i = 0; i < 5; i++) {
            store.put("blobs/tmpcheck/" + i, ObjectStore.Body.of(random(10_000, i))).await().indefinitely();
        }
        try (Stream<Path> files = Files.list(store.root().resolve("blobs/tmpcheck"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .hasSize(5).noneMatch(n -> n.startsWith(FilesystemObjectStore.TEMPORARY));
        }
    }
}
