package dev.pixmill.support;

import dev.pixmill.engine.ImageFormat;

import java.nio.charset.StandardCharsets;

/** Independent of the engine's sniffer: what the first bytes of each output format must be. */
public final class Magic {

    private Magic() {
    }

    public static boolean matches(ImageFormat format, byte[] b) {
        String head = new String(b, 0, Math.min(b.length, 512), StandardCharsets.ISO_8859_1);
        return switch (format) {
            case JPEG -> b.length > 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF;
            case PNG -> head.startsWith("\u0089PNG\r\n\u001a\n");
            case WEBP -> head.startsWith("RIFF") && head.startsWith("WEBP", 8);
            case AVIF -> head.startsWith("ftyp", 4) && (head.startsWith("avif", 8) || head.startsWith("avis", 8));
            case HEIC -> head.startsWith("ftyp", 4) && (head.startsWith("heic", 8) || head.startsWith("mif1", 8)
                    || head.startsWith("heix", 8));
            case GIF -> head.startsWith("GIF87a") || head.startsWith("GIF89a");
            case BMP -> head.startsWith("BM");
            case TIFF -> head.startsWith("II*\0") || head.startsWith("MM\0*");
            case ICO -> b.length > 4 && b[0] == 0 && b[1] == 0 && b[2] == 1 && b[3] == 0;
            case PDF -> head.startsWith("%PDF-");
            case SVG -> head.contains("<svg");
        };
    }
}
