package dev.pixmill.web;

import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The streamed ZIP is read back by independent readers: java.util.zip (both APIs) and Info-ZIP's unzip. */
class StoredZipTest {

    private static final LocalDateTime WHEN = LocalDateTime.of(2026, 12, 4, 10, 30, 42);

    @TempDir
    Path dir;

    @Test
    void entriesComeBackByteForByteWithTheirNamesAndTheExactLength() throws Exception {
        Map<String, byte[]> files = files();
        StoredZip zip = new StoredZip(entries(files, 1000));
        byte[] archive = collect(zip);
        assertThat((long) archive.length).isEqualTo(zip.size());
        assertReadable(archive, files);
    }

    @Test
    void zip64RecordsAreReadWhereOffsetsPassTheLimit() throws Exception {
        Map<String, byte[]> files = files();
        // every offset counts as "past 4 GiB": ZIP64 extra fields, end record and locator everywhere
        StoredZip zip = new StoredZip(entries(files, 1000), 0);
        byte[] archive = collect(zip);
        assertThat((long) archive.length).isEqualTo(zip.size());
        assertThat(indexOf(archive, new byte[] { 0x50, 0x4b, 0x06, 0x06 })).isPositive();
        assertReadable(archive, files);
    }

    @Test
    void anEntrysBytesAreReadOnlyWhenTheArchiveReachesIt() {
        AtomicInteger subscribed = new AtomicInteger();
        List<StoredZip.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] data = ("entry " + i).getBytes(StandardCharsets.UTF_8);
            entries.add(new StoredZip.Entry("e" + i, data.length, crc(data), WHEN, () -> {
                subscribed.incrementAndGet();
                return Multi.createFrom().item(Buffer.buffer(data));
            }));
        }
        Multi<Buffer> stream = new StoredZip(entries).stream();
        assertThat(subscribed).hasValue(0);
        var pieces = stream.subscribe().asIterable(1, () -> new java.util.ArrayDeque<>()).iterator();
        pieces.next(); // the first local header
        pieces.next(); // the first entry's bytes
        // the next entry may be opened as the first one ends, the last one not yet
        assertThat(subscribed.get()).isBetween(1, 2);
    }

    @Test
    void aFourGigabyteEntryIsRefusedRatherThanWrittenWrong() {
        assertThatThrownBy(() -> new StoredZip(List.of(new StoredZip.Entry("big", 0xFFFFFFFFL, 0, WHEN,
                () -> Multi.createFrom().empty())))).isInstanceOf(IllegalArgumentException.class);
    }

    private void assertReadable(byte[] archive, Map<String, byte[]> files) throws Exception {
        // streaming reader (local headers) ...
        Map<String, byte[]> streamed = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(archive))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                streamed.put(e.getName(), in.readAllBytes());
            }
        }
        assertThat(streamed.keySet()).containsExactlyElementsOf(files.keySet());
        files.forEach((name, data) -> assertThat(streamed.get(name)).isEqualTo(data));
        // ... and the central directory
        Path file = dir.resolve("a.zip");
        Files.write(file, archive);
        try (ZipFile z = new ZipFile(file.toFile(), StandardCharsets.UTF_8)) {
            assertThat(z.size()).isEqualTo(files.size());
            for (var e : files.entrySet()) {
                ZipEntry entry = z.getEntry(e.getKey());
                assertThat(entry.getMethod()).isEqualTo(ZipEntry.STORED);
                assertThat(entry.getTimeLocal()).isEqualTo(WHEN.withSecond(42));
                assertThat(z.getInputStream(entry).readAllBytes()).isEqualTo(e.getValue());
            }
        }
        if (Files.isExecutable(Path.of("/usr/bin/unzip"))) {
            Process p = new ProcessBuilder("/usr/bin/unzip", "-t", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(out).contains("No errors detected");
        }
    }

    private static Map<String, byte[]> files() {
        Random random = new Random(7);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : List.of("photo.webp", "photo (2).webp", "ünïcödé 写真.png", "empty.jpg", "big.bin")) {
            byte[] data = new byte[name.startsWith("empty") ? 0 : name.startsWith("big") ? 3_500_000 : 1 + random.nextInt(5000)];
            random.nextBytes(data);
            files.put(name, data);
        }
        return files;
    }

    /** Each entry's bytes in pieces of {@code piece} bytes, as storage hands them over. */
    private static List<StoredZip.Entry> entries(Map<String, byte[]> files, int piece) {
        List<StoredZip.Entry> entries = new ArrayList<>();
        files.forEach((name, data) -> entries.add(new StoredZip.Entry(name, data.length, crc(data), WHEN, () -> {
            List<Buffer> pieces = new ArrayList<>();
            for (int at = 0; at < data.length; at += piece) {
                pieces.add(Buffer.buffer(java.util.Arrays.copyOfRange(data, at, Math.min(data.length, at + piece))));
            }
            return Multi.createFrom().iterable(pieces);
        })));
        return entries;
    }

    private static long crc(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }

    private static byte[] collect(StoredZip zip) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Buffer b : zip.stream().subscribe().asIterable()) {
            out.write(b.getBytes());
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
