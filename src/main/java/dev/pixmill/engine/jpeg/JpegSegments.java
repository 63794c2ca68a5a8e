package dev.pixmill.engine.jpeg;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The marker layout of a JPEG: the segments before the first SOS (where every APPn and COM of a
 * well-formed file sits), where the first scan starts and where the image ends (just after EOI).
 * Fill bytes (0xFF padding) before a marker and standalone markers (TEM, RSTn) are skipped;
 * entropy-coded data is walked over its byte stuffing, so later DHT/SOS segments of a progressive
 * file are stepped over by their lengths. Anything truncated or out of order gives empty.
 */
final class JpegSegments {

    static final int SOI = 0xD8;
    static final int EOI = 0xD9;
    static final int SOS = 0xDA;
    static final int SOF2 = 0xC2;
    static final int APP0 = 0xE0;
    static final int APP1 = 0xE1;
    static final int APP2 = 0xE2;
    static final int APP14 = 0xEE;
    static final int COM = 0xFE;

    /** One marker segment: {@code offset} of its 0xFF, {@code length} of the whole segment (marker included). */
    record Segment(int marker, int offset, int length) {

        int payloadOffset() {
            return offset + 4;
        }

        int payloadLength() {
            return length - 4;
        }

        boolean isAppOrComment() {
            return (marker >= APP0 && marker <= 0xEF) || marker == COM;
        }

        /** Whether the payload starts with the given identifier (e.g. {@code "JFIF\0"}). */
        boolean payloadStartsWith(byte[] jpeg, String id) {
            byte[] b = id.getBytes(StandardCharsets.ISO_8859_1);
            if (payloadLength() < b.length) {
                return false;
            }
            for (int i = 0; i < b.length; i++) {
                if (jpeg[payloadOffset() + i] != b[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The segments up to and including the first SOS, that SOS's offset, the offset just after
     * EOI, and every segment marker of the file in order (later DHT/SOS included).
     */
    record Layout(List<Segment> header, int scanStart, int end, List<Integer> markers) {

        boolean has(int marker) {
            return markers.contains(marker);
        }
    }

    private JpegSegments() {
    }

    static Optional<Layout> parse(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != SOI) {
            return Optional.empty();
        }
        List<Segment> header = new ArrayList<>();
        List<Integer> markers = new ArrayList<>();
        int scanStart = -1;
        int pos = 2;
        while (true) {
            if (pos >= jpeg.length || (jpeg[pos] & 0xFF) != 0xFF) {
                return Optional.empty(); // truncated, or garbage where a marker must be
            }
            while (pos < jpeg.length && (jpeg[pos] & 0xFF) == 0xFF) {
                pos++; // the marker's 0xFF and any fill bytes before its code
            }
            if (pos >= jpeg.length) {
                return Optional.empty();
            }
            int marker = jpeg[pos++] & 0xFF;
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // standalone: TEM, RSTn
            }
            if (marker == EOI) {
                return scanStart < 0 ? Optional.empty()
                        : Optional.of(new Layout(List.copyOf(header), scanStart, pos, List.copyOf(markers)));
            }
            if (marker == SOI || marker == 0x00 || pos + 2 > jpeg.length) {
                return Optional.empty();
            }
            int length = ((jpeg[pos] & 0xFF) << 8) | (jpeg[pos + 1] & 0xFF);
            if (length < 2 || pos + length > jpeg.length) {
                return Optional.empty();
            }
            // the segment is recorded from its last 0xFF, so a rewrite drops fill bytes
            Segment segment = new Segment(marker, pos - 2, length + 2);
            markers.add(marker);
            if (scanStart < 0) {
                header.add(segment);
            }
            pos += length;
            if (marker == SOS) {
                if (scanStart < 0) {
                    scanStart = segment.offset();
                }
                pos = skipEntropyCoded(jpeg, pos);
            }
        }
    }

    /** Offset of the 0xFF of the next marker after entropy-coded data (or the length when there is none). */
    private static int skipEntropyCoded(byte[] jpeg, int pos) {
        while (pos < jpeg.length) {
            if ((jpeg[pos] & 0xFF) != 0xFF) {
                pos++;
                continue;
            }
            int next = pos + 1;
            while (next < jpeg.length && (jpeg[next] & 0xFF) == 0xFF) {
                next++;
            }
            if (next >= jpeg.length) {
                return jpeg.length;
            }
            int code = jpeg[next] & 0xFF;
            if (code == 0x00 || (code >= 0xD0 && code <= 0xD7)) {
                pos = next + 1; // stuffed 0xFF or a restart marker: still entropy-coded data
            } else {
                return next - 1;
            }
        }
        return pos;
    }
}
