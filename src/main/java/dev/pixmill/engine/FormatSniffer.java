package dev.pixmill.engine;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/** Recognises an input format from its leading bytes only (never from names or MIME types). */
public final class FormatSniffer {

    private static final int SVG_SCAN = 4096;
    private static final Set<String> AVIF_BRANDS = Set.of("avif", "avis");
    private static final Set<String> HEIC_BRANDS = Set.of("heic", "heix", "hevc", "hevx", "heim", "heis", "mif1",
            "msf1");

    private FormatSniffer() {
    }

    public static Optional<ImageFormat> sniff(byte[] b) {
        if (b == null || b.length < 4) {
            return Optional.empty();
        }
        if (u(b, 0) == 0xFF && u(b, 1) == 0xD8 && u(b, 2) == 0xFF) {
            return Optional.of(ImageFormat.JPEG);
        }
        if (startsWith(b, 0, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})) {
            return Optional.of(ImageFormat.PNG);
        }
        if (b.length >= 12 && ascii(b, 0, 4).equals("RIFF") && ascii(b, 8, 4).equals("WEBP")) {
            return Optional.of(ImageFormat.WEBP);
        }
        if (b.length >= 6 && (ascii(b, 0, 6).equals("GIF87a") || ascii(b, 0, 6).equals("GIF89a"))) {
            return Optional.of(ImageFormat.GIF);
        }
        if ((u(b, 0) == 'I' && u(b, 1) == 'I' && (u(b, 2) == 42 || u(b, 2) == 43) && u(b, 3) == 0)
                || (u(b, 0) == 'M' && u(b, 1) == 'M' && u(b, 2) == 0 && (u(b, 3) == 42 || u(b, 3) == 43))) {
            return Optional.of(ImageFormat.TIFF);
        }
        if (u(b, 0) == 0 && u(b, 1) == 0 && u(b, 2) == 1 && u(b, 3) == 0 && b.length >= 6
                && (u(b, 4) | u(b, 5) << 8) > 0) {
            return Optional.of(ImageFormat.ICO);
        }
        if (b.length >= 14 && u(b, 0) == 'B' && u(b, 1) == 'M') {
            return Optional.of(ImageFormat.BMP);
        }
        if (b.length >= 5 && ascii(b, 0, 5).equals("%PDF-")) {
            return Optional.of(ImageFormat.PDF);
        }
        Optional<ImageFormat> heif = sniffFtyp(b);
        if (heif.isPresent()) {
            return heif;
        }
        if (looksLikeSvg(b)) {
            return Optional.of(ImageFormat.SVG);
        }
        return Optional.empty();
    }

    private static Optional<ImageFormat> sniffFtyp(byte[] b) {
        if (b.length < 16 || !ascii(b, 4, 4).equals("ftyp")) {
            return Optional.empty();
        }
        long boxSize = (long) u(b, 0) << 24 | u(b, 1) << 16 | u(b, 2) << 8 | u(b, 3);
        int end = (int) Math.min(Math.min(boxSize, b.length), 4096);
        boolean heic = false;
        for (int off = 8; off + 4 <= Math.max(end, 12); off += 4) {
            if (off == 12) {
                continue; // minor version
            }
            String brand = ascii(b, off, 4);
            if (AVIF_BRANDS.contains(brand)) {
                return Optional.of(ImageFormat.AVIF);
            }
            heic |= HEIC_BRANDS.contains(brand);
        }
        return heic ? Optional.of(ImageFormat.HEIC) : Optional.empty();
    }

    /**
     * Text that starts, after an optional BOM, whitespace, XML declaration, comments and a doctype,
     * with {@code <svg}.
     */
    static boolean looksLikeSvg(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, SVG_SCAN), StandardCharsets.UTF_8);
        int i = s.startsWith("\uFEFF") ? 1 : 0;
        while (true) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (s.startsWith("<?", i)) {
                int e = s.indexOf("?>", i);
                if (e < 0) {
                    return false;
                }
                i = e + 2;
            } else if (s.startsWith("<!--", i)) {
                int e = s.indexOf("-->", i + 4);
                if (e < 0) {
                    return false;
                }
                i = e + 3;
            } else if (s.regionMatches(true, i, "<!DOCTYPE", 0, 9)) {
                int bracket = s.indexOf('[', i);
                int gt = s.indexOf('>', i);
                if (gt < 0) {
                    return false;
                }
                if (bracket >= 0 && bracket < gt) {
                    int close = s.indexOf("]>", bracket);
                    if (close < 0) {
                        return false;
                    }
                    i = close + 2;
                } else {
                    i = gt + 1;
                }
            } else {
                return s.startsWith("<svg", i) && i + 4 < s.length()
                        && (Character.isWhitespace(s.charAt(i + 4)) || s.charAt(i + 4) == '>'
                                || s.charAt(i + 4) == '/');
            }
        }
    }

    private static int u(byte[] b, int i) {
        return i < b.length ? b[i] & 0xFF : -1;
    }

    private static boolean startsWith(byte[] b, int off, byte[] magic) {
        if (b.length < off + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (b[off + i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(byte[] b, int off, int len) {
        if (b.length < off + len) {
            return "";
        }
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }
}
