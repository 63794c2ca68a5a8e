package dev.pixmill.engine.jpeg;

import java.io.ByteArrayOutputStream;

/**
 * Rewrites a JPEG's header keeping only the metadata that changes how it decodes or displays: JFIF
 * APP0, every ICC_PROFILE APP2 chunk (in order), Adobe APP14 and, for an EXIF orientation other
 * than 1, a minimal EXIF APP1 with that tag alone. Every other APPn and COM is dropped; tables,
 * frame and scans are copied as they are.
 *
 * <p>Applied to TurboJPEG's output made with every marker copied rather than re-inserting kept
 * segments into a COPYNONE output: libjpeg then places the markers itself after the JFIF/Adobe
 * headers it writes and drops the duplicates of those, so this pass only ever removes segments (or
 * shrinks the EXIF one) in a layout libjpeg already made consistent; it never has to choose where
 * a segment goes.
 */
final class EssentialMarkers {

    private EssentialMarkers() {
    }

    static byte[] keep(byte[] jpeg, JpegSegments.Layout layout) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length);
        out.write(0xFF);
        out.write(JpegSegments.SOI);
        boolean exifSeen = false;
        for (JpegSegments.Segment s : layout.header()) {
            if (s.marker() == JpegSegments.SOS) {
                break; // the scans are copied below, from this segment on
            }
            if (!s.isAppOrComment() || isKept(jpeg, s)) {
                out.write(jpeg, s.offset(), s.length());
            } else if (s.marker() == JpegSegments.APP1 && !exifSeen && s.payloadStartsWith(jpeg, ExifOrientation.EXIF_ID)) {
                exifSeen = true; // the first EXIF block is the one readers use
                int orientation = ExifOrientation.read(jpeg, s.payloadOffset(), s.payloadLength());
                if (orientation != 1) {
                    out.writeBytes(ExifOrientation.minimalSegment(orientation));
                }
            }
        }
        out.write(jpeg, layout.scanStart(), layout.end() - layout.scanStart());
        return out.toByteArray();
    }

    private static boolean isKept(byte[] jpeg, JpegSegments.Segment s) {
        return switch (s.marker()) {
            case JpegSegments.APP0 -> s.payloadStartsWith(jpeg, "JFIF\0");
            case JpegSegments.APP2 -> s.payloadStartsWith(jpeg, "ICC_PROFILE\0");
            case JpegSegments.APP14 -> s.payloadStartsWith(jpeg, "Adobe");
            default -> false;
        };
    }
}
