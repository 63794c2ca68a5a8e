package dev.pixmill.engine.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.image.JPEGFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/** Output containers Pixmill writes itself around pixels or encodings libvips made. */
final class Containers {

    private Containers() {
    }

    /** 24-bit BI_RGB BMP, bottom-up, from interleaved RGB uchar pixels. */
    static byte[] bmp(byte[] rgb, int width, int height) {
        int rowBytes = (width * 3 + 3) & ~3;
        int imageSize = rowBytes * height;
        ByteBuffer b = ByteBuffer.allocate(54 + imageSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(54 + imageSize).putInt(0).putInt(54);
        b.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24).putInt(0)
                .putInt(imageSize).putInt(2835).putInt(2835).putInt(0).putInt(0);
        byte[] row = new byte[rowBytes];
        for (int y = height - 1; y >= 0; y--) {
            int src = y * width * 3;
            for (int x = 0; x < width; x++) {
                row[x * 3] = rgb[src + x * 3 + 2];
                row[x * 3 + 1] = rgb[src + x * 3 + 1];
                row[x * 3 + 2] = rgb[src + x * 3];
            }
            b.put(row);
        }
        return b.array();
    }

    /** ICO with one PNG-compressed entry (Vista+ style); the image must be at most 256×256. */
    static byte[] icoWithPng(byte[] png, int width, int height) {
        if (width > 256 || height > 256) {
            throw new IllegalArgumentException("ICO entries are at most 256x256");
        }
        ByteBuffer b = ByteBuffer.allocate(6 + 16 + png.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0).putShort((short) 1).putShort((short) 1);
        b.put((byte) (width == 256 ? 0 : width)).put((byte) (height == 256 ? 0 : height)).put((byte) 0)
                .put((byte) 0).putShort((short) 1).putShort((short) 32).putInt(png.length).putInt(22);
        b.put(png);
        return b.array();
    }

    /** One PDF page exactly width×height points showing the JPEG. */
    static byte[] pdfWithJpeg(byte[] jpeg, int width, int height) {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage(new PDRectangle(width, height));
            doc.addPage(page);
            PDImageXObject image = JPEGFactory.createFromByteArray(doc, jpeg);
            try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                cs.drawImage(image, 0, 0, width, height);
            }
            doc.getDocumentInformation().setProducer("Pixmill");
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An SVG document of width×height whose {@code <image>} embeds the encoding as a data URI. */
    static byte[] svgWithRaster(byte[] encoded, String mime, int width, int height) {
        String b64 = Base64.getEncoder().encodeToString(encoded);
        String svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\""
                + " width=\"" + width + "\" height=\"" + height + "\" viewBox=\"0 0 " + width + " " + height + "\">\n"
                + "<image width=\"" + width + "\" height=\"" + height + "\" preserveAspectRatio=\"none\""
                + " xlink:href=\"data:" + mime + ";base64," + b64
                + "\"/>\n</svg>\n";
        return svg.getBytes(StandardCharsets.UTF_8);
    }
}
