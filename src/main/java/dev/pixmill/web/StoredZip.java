package dev.pixmill.web;

import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A ZIP archive of stored (uncompressed) entries whose sizes and CRC-32s are known before their
 * bytes are read: every header can be written ahead of its data, so the archive is streamed
 * entry after entry as the bytes arrive (no temporary file, memory independent of its size) and
 * its exact length is known up front. Images are compressed already; deflating them again would
 * cost CPU for nothing. ZIP64 records are written where an offset passes 4 GiB.
 */
public final class StoredZip {

    /** One entry; {@code body} is subscribed to when the archive reaches it. */
    public record Entry(String name, long size, long crc32, LocalDateTime modified, Supplier<Multi<Buffer>> body) {
    }

    static final long ZIP32_MAX = 0xFFFFFFFFL;
    private static final int LOCAL_HEADER = 30;
    private static final int CENTRAL_HEADER = 46;
    private static final int END = 22;
    private static final int ZIP64_END = 56;
    private static final int ZIP64_LOCATOR = 20;
    private static final int UTF8_NAMES = 0x0800;

    private final List<Entry> entries;
    private final long zip64Above;
    private final List<byte[]> names = new ArrayList<>();
    private final long[] offsets;
    private final long centralOffset;
    private final byte[] tail;

    public StoredZip(List<Entry> entries) {
        this(entries, ZIP32_MAX);
    }

    /** {@code zip64Above} lower than 4 GiB makes small archives use ZIP64 records (for tests). */
    StoredZip(List<Entry> entries, long zip64Above) {
        this.entries = List.copyOf(entries);
        this.zip64Above = zip64Above;
        this.offsets = new long[entries.size()];
        long offset = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.size() >= ZIP32_MAX) {
                throw new IllegalArgumentException("an entry of 4 GiB or more is not supported: " + e.name());
            }
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            names.add(name);
            offsets[i] = offset;
            offset += LOCAL_HEADER + name.length + e.size();
        }
        this.centralOffset = offset;
        this.tail = centralDirectoryAndEnd();
    }

    /** The archive's exact length in bytes. */
    public long size() {
        return centralOffset + tail.length;
    }

    /** The archive, piece by piece: each local header, then that entry's bytes; the directory last. */
    public Multi<Buffer> stream() {
        List<Multi<Buffer>> parts = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            int index = i;
            parts.add(Multi.createFrom().item(() -> Buffer.buffer(localHeader(index))));
            parts.add(Multi.createFrom().deferred(() -> entries.get(index).body().get()));
        }
        parts.add(Multi.createFrom().item(() -> Buffer.buffer(tail)));
        return Multi.createBy().concatenating().streams(parts);
    }

    private byte[] localHeader(int i) {
        Entry e = entries.get(i);
        byte[] name = names.get(i);
        ByteBuffer b = le(LOCAL_HEADER + name.length);
        b.putInt(0x04034b50).putShort((short) 20).putShort((short) UTF8_NAMES).putShort((short) 0);
        putDosTime(b, e.modified());
        b.putInt((int) e.crc32()).putInt((int) e.size()).putInt((int) e.size());
        b.putShort((short) name.length).putShort((short) 0).put(name);
        return b.array();
    }

    private byte[] centralDirectoryAndEnd() {
        int length = 0;
        for (int i = 0; i < entries.size(); i++) {
            length += CENTRAL_HEADER + names.get(i).length + (offsets[i] >= zip64Above ? 12 : 0);
        }
        long centralSize = length;
        boolean zip64 = centralOffset >= zip64Above || centralSize >= zip64Above || entries.size() >= 0xFFFF;
        ByteBuffer b = le(length + (zip64 ? ZIP64_END + ZIP64_LOCATOR : 0) + END);
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            byte[] name = names.get(i);
            boolean far = offsets[i] >= zip64Above;
            b.putInt(0x02014b50).putShort((short) (3 << 8 | (far ? 45 : 20))).putShort((short) (far ? 45 : 20))
                    .putShort((short) UTF8_NAMES).putShort((short) 0);
            putDosTime(b, e.modified());
            b.putInt((int) e.crc32()).putInt((int) e.size()).putInt((int) e.size());
            b.putShort((short) name.length).putShort((short) (far ? 12 : 0)).putShort((short) 0);
            b.putShort((short) 0).putShort((short) 0).putInt(0100644 << 16); // disk, internal, rw-r--r--
            b.putInt(far ? (int) ZIP32_MAX : (int) offsets[i]);
            b.put(name);
            if (far) { // ZIP64 extra field: only the offset is too large
                b.putShort((short) 0x0001).putShort((short) 8).putLong(offsets[i]);
            }
        }
        long endOffset = centralOffset + centralSize;
        int count = entries.size();
        if (zip64) {
            b.putInt(0x06064b50).putLong(ZIP64_END - 12).putShort((short) (3 << 8 | 45)).putShort((short) 45)
                    .putInt(0).putInt(0).putLong(count).putLong(count).putLong(centralSize).putLong(centralOffset);
            b.putInt(0x07064b50).putInt(0).putLong(endOffset).putInt(1);
        }
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) Math.min(count, 0xFFFF)).putShort((short) Math.min(count, 0xFFFF))
                .putInt(zip64 ? (int) ZIP32_MAX : (int) centralSize)
                .putInt(zip64 ? (int) ZIP32_MAX : (int) centralOffset)
                .putShort((short) 0);
        return b.array();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** MS-DOS time and date, local time, two-second resolution, from 1980. */
    private static void putDosTime(ByteBuffer b, LocalDateTime t) {
        LocalDateTime d = t.getYear() < 1980 ? LocalDateTime.of(1980, 1, 1, 0, 0) : t;
        b.putShort((short) (d.getHour() << 11 | d.getMinute() << 5 | d.getSecond() / 2));
        b.putShort((short) ((d.getYear() - 1980) << 9 | d.getMonthValue() << 5 | d.getDayOfMonth()));
    }
}
