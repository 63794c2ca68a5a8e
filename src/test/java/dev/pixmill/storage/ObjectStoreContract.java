package dev.pixmill.storage;

import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link ObjectStore} backend must do, run against each of them for real. */
abstract class ObjectStoreContract {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** A fresh prefix per test, so tests never see each other's objects. */
    private final String run = "blobs/contract-" + UUID.randomUUID() + "/";

    abstract ObjectStore store();

    @Test
    void putReadSizeListAndDelete() {
        byte[] data = random(300_000, 1);
        String key = run + "ab/one";
        Instant before = Instant.now().minusSeconds(5);
        store().put(key, ObjectStore.Body.of(data)).await().atMost(WAIT);

        assertThat(store().readAll(key, data.length).await().atMost(WAIT)).isEqualTo(data);
        assertThat(concat(store().read(key))).isEqualTo(data);
        assertThat(store().size(key).await().atMost(WAIT)).isEqualTo(data.length);
        List<ObjectStore.Listed> listed = store().list(run).collect().asList().await().atMost(WAIT);
        assertThat(listed).singleElement().satisfies(l -> {
            assertThat(l.key()).isEqualTo(key);
            assertThat(l.size()).isEqualTo(data.length);
            assertThat(l.lastModified()).isAfter(before).isBefore(Instant.now().plusSeconds(5));
        });

        byte[] replacement = random(1000, 2);
        store().put(key, ObjectStore.Body.of(replacement)).await().atMost(WAIT);
        assertThat(store().readAll(key, replacement.length).await().atMost(WAIT)).isEqualTo(replacement);

        store().delete(key).await().atMost(WAIT);
        assertThat(store().size(key).await().atMost(WAIT)).isNull();
        assertThat(store().list(run).collect().asList().await().atMost(WAIT)).isEmpty();
        store().delete(key).await().atMost(WAIT); // deleting again is no error: deletions are retried
    }

    @Test
    void aWorkingStoreIsReady() {
        store().ready().await().atMost(WAIT);
    }

    @Test
    void aMissingObjectFailsAsMissingNeverAsSomethingElse() {
        String key = run + "never/written";
        assertThatThrownBy(() -> store().read(key).collect().asList().await().atMost(WAIT))
                .isInstanceOf(ObjectMissingException.class).hasMessageContaining(key);
        assertThatThrownBy(() -> store().readAll(key, 10).await().atMost(WAIT))
                .isInstanceOf(ObjectMissingException.class);
        assertThat(store().size(key).await().atMost(WAIT)).isNull();
    }

    @Test
    void anObjectOfAnotherSizeThanRecordedIsRefused() {
        String key = run + "sized";
        store().put(key, ObjectStore.Body.of(random(500, 3))).await().atMost(WAIT);
        assertThatThrownBy(() -> store().readAll(key, 400).await().atMost(WAIT))
                .isInstanceOf(ObjectMissingException.class).hasMessageContaining("400");
        assertThatThrownBy(() -> store().readAll(key, 600).await().atMost(WAIT))
                .isInstanceOf(ObjectMissingException.class).hasMessageContaining("600");
    }

    @Test
    void aLargeObjectStreamsInAndOutInPieces() {
        long size = 30L << 20;
        int piece = 64 << 10;
        String key = run + "large";
        CRC32 sent = new CRC32();
        // generated piece by piece: the 30 MB never exist as one array on either side
        Multi<Buffer> pieces = Multi.createFrom().range(0, (int) (size / piece)).map(i -> {
            byte[] bytes = random(piece, 1000 + i);
            sent.update(bytes);
            return Buffer.buffer(bytes);
        });
        store().put(key, new ObjectStore.Body.Stream(pieces, size)).await().atMost(WAIT);
        assertThat(store().size(key).await().atMost(WAIT)).isEqualTo(size);

        CRC32 received = new CRC32();
        AtomicLong total = new AtomicLong();
        AtomicInteger largest = new AtomicInteger();
        AtomicInteger count = new AtomicInteger();
        store().read(key).subscribe().asStream().forEach(b -> {
            byte[] bytes = b.getBytes();
            received.update(bytes);
            total.addAndGet(bytes.length);
            largest.accumulateAndGet(bytes.length, Math::max);
            count.incrementAndGet();
        });
        assertThat(total.get()).isEqualTo(size);
        assertThat(received.getValue()).isEqualTo(sent.getValue());
        assertThat(largest.get()).as("largest piece read").isLessThanOrEqualTo(1 << 20);
        assertThat(count.get()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void aFileIsStoredFromDisk() throws Exception {
        byte[] data = random(3 << 20, 4);
        Path file = Files.createTempFile("pixmill-contract", ".bin");
        try {
            Files.write(file, data);
            String key = run + "from-file";
            store().put(key, new ObjectStore.Body.File(file, data.length)).await().atMost(WAIT);
            assertThat(store().readAll(key, data.length).await().atMost(WAIT)).isEqualTo(data);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aStreamShorterThanAnnouncedStoresNothing() {
        String key = run + "short";
        Multi<Buffer> pieces = Multi.createFrom().items(Buffer.buffer(random(1000, 5)));
        assertThatThrownBy(() -> store().put(key, new ObjectStore.Body.Stream(pieces, 5000)).await().atMost(WAIT))
                .isNotNull();
        assertThat(store().size(key).await().atMost(WAIT)).isNull();
        assertThat(store().list(run).collect().asList().await().atMost(WAIT)).isEmpty();
    }

    @Test
    void concurrentPutsEachLandWhole() {
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            contents.add(random(200_000 + i * 1000, 100 + i));
        }
        Multi.createFrom().range(0, contents.size())
                .onItem().transformToUni(i -> store().put(run + "many/" + i, ObjectStore.Body.of(contents.get(i))))
                .merge(12).collect().asList().await().atMost(WAIT);
        for (int i = 0; i < contents.size(); i++) {
            assertThat(store().readAll(run + "many/" + i, contents.get(i).length).await().atMost(WAIT))
                    .isEqualTo(contents.get(i));
        }

        // several writers of one key: the reader gets one of them whole, never a mix
        String shared = run + "shared";
        List<byte[]> rivals = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            rivals.add(random(400_000, 200 + i));
        }
        Multi.createFrom().iterable(rivals)
                .onItem().transformToUni(bytes -> store().put(shared, ObjectStore.Body.of(bytes)))
                .merge(8).collect().asList().await().atMost(WAIT);
        byte[] winner = store().readAll(shared, 400_000).await().atMost(WAIT);
        assertThat(rivals.stream().anyMatch(r -> Arrays.equals(r, winner))).isTrue();
    }

    @Test
    void listingIsByPrefix() {
        for (String name : List.of("x/1", "x/2", "y/1")) {
            store().put(run + name, ObjectStore.Body.of(new byte[] { 1, 2, 3 })).await().atMost(WAIT);
        }
        assertThat(store().list(run + "x/").map(ObjectStore.Listed::key).collect().asList().await().atMost(WAIT))
                .containsExactlyInAnyOrder(run + "x/1", run + "x/2");
        assertThat(store().list(run).collect().asList().await().atMost(WAIT)).hasSize(3);
    }

    static byte[] concat(Multi<Buffer> pieces) {
        Buffer all = Buffer.buffer();
        pieces.subscribe().asStream().forEach(all::appendBuffer);
        return all.getBytes();
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
