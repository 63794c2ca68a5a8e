package dev.pixmill.engine.jpeg;

import java.nio.charset.StandardCharsets;

/** The EXIF orientation tag of an APP1 "Exif" payload, and the smallest APP1 that carries one. */
final class ExifOrientation {

    static final String EXIF_ID = "Exif\0\0";
    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;

    private ExifOrientation() {
    }

    /**
     * Orientation 1..8 from the IFD0 of an APP1 payload starting with "Exif\0\0"; 1 for anything
     * missing, out of range or malformed.
     */
    static int read(byte[] b, int offset, int length) {
        int tiff = offset + EXIF_ID.length();
        int end = offset + length;
        if (tiff + 8 > end) {
            return 1;
        }
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        if (u16(b, tiff + 2, little) != 42) {
            return 1;
        }
        long ifd = tiff + u32(b, tiff + 4, little);
        if (ifd + 2 > end || ifd < tiff + 8) {
            return 1;
        }
        int count = u16(b, (int) ifd, little);
        for (int i = 0; i < count; i++) {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > end) {
                return 1;
            }
            int e = (int) entry;
            if (u16(b, e, little) == TAG_ORIENTATION) {
                if (u16(b, e + 2, little) != TYPE_SHORT || u32(b, e + 4, little) < 1) {
                    return 1;
                }
                int v = u16(b, e + 8, little);
                return v >= 1 && v <= 8 ? v : 1;
            }
        }
        return 1;
    }

    /**
     * A whole APP1 segment (marker included): "Exif\0\0", a big-endian TIFF header, IFD0 with the one
     * orientation entry, no next IFD.
     */
    static byte[] minimalSegment(int orientation) {
        byte[] payload = new byte[6 + 8 + 2 + 12 + 4];
        System.arraycopy(EXIF_ID.getBytes(StandardCharsets.ISO_8859_1), 0, payload, 0, 6);
        int t = 6;
        payload[t] = 'M';
        payload[t + 1] = 'M';
        payload[t + 3] = 42;
        payload[t + 7] = 8; // IFD0 right after the header
        payload[t + 9] = 1; // one entry
        payload[t + 10] = 0x01;
        payload[t + 11] = 0x12;
        payload[t + 13] = TYPE_SHORT;
        payload[t + 17] = 1; // count
        payload[t + 19] = (byte) orientation; // value, left-justified in the 4-byte field
        // next IFD offset: 0 (the last four bytes)
        byte[] segment = new byte[4 + payload.length];
        segment[0] = (byte) 0xFF;
        segment[1] = (byte) JpegSegments.APP1;
        segment[2] = (byte) ((payload.length + 2) >> 8);
        segment[3] = (byte) (payload.length + 2);
        System.arraycopy(payload, 0, segment, 4, payload.length);
        return segment;
    }

    private static int u16(byte[] b, int at, boolean little) {
        int x = b[at] & 0xFF;
        int y = b[at + 1] & 0xFF;
        return little ? x | y << 8 : x << 8 | y;
    }

    private static long u32(byte[] b, int at, boolean little) {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            int k = little ? 3 - i : i;
            v = v << 8 | (b[at + k] & 0xFF);
        }
        return v;
    }
}
