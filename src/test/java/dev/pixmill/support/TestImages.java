package dev.pixmill.support;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Real images made in the test, so nothing depends on binary fixtures. */
public final class TestImages {

    private TestImages() {
    }

    /** A gradient with a red block in the top-left corner; with alpha, the right half is transparent. */
    public static BufferedImage picture(int width, int height, boolean alpha) {
        BufferedImage image = new BufferedImage(width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.BLUE, width, height, Color.GREEN));
        g.fillRect(0, 0, alpha ? width / 2 : width, height);
        g.setColor(Color.RED);
        g.fillRect(0, 0, width / 4, height / 4);
        g.dispose();
        return image;
    }

    /** Vertical bands: red on the left quarter, green in the middle half, blue on the right quarter. */
    public static BufferedImage bands(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, width / 4, height);
        g.setColor(Color.GREEN);
        g.fillRect(width / 4, 0, width / 2, height);
        g.setColor(Color.BLUE);
        g.fillRect(width / 4 + width / 2, 0, width - width / 4 - width / 2, height);
        g.dispose();
        return image;
    }

    public static byte[] png(int width, int height) {
        return encode(picture(width, height, true), "png");
    }

    public static byte[] jpeg(int width, int height) {
        return encode(picture(width, height, false), "jpg");
    }

    public static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A 32-bit BMP with an alpha mask (BITMAPV4HEADER, BI_BITFIELDS), which the JDK's BMP writer
     * cannot write: bottom-up rows of B, G, R, A.
     */
    public static byte[] bmpWithAlpha(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int pixels = 14 + 108;
        int size = pixels + w * h * 4;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(size).putInt(0).putInt(pixels);
        b.putInt(108).putInt(w).putInt(h).putShort((short) 1).putShort((short) 32).putInt(3) // BI_BITFIELDS
                .putInt(w * h * 4).putInt(2835).putInt(2835).putInt(0).putInt(0);
        b.putInt(0x00FF0000).putInt(0x0000FF00).putInt(0x000000FF).putInt(0xFF000000); // R, G, B, A masks
        b.putInt(0x73524742); // 'sRGB'
        b.put(new byte[36 + 12]); // endpoints and gamma, unused for sRGB
        for (int y = h - 1; y >= 0; y--) {
            for (int x = 0; x < w; x++) {
                b.putInt(image.getRGB(x, y)); // ARGB as a little-endian int is B, G, R, A
            }
        }
        return b.array();
    }

    /**
     * A pixel bomb: a well-formed PNG (signature, IHDR, a tiny IDAT, IEND, correct CRCs) whose
     * header claims the given size. Decoding it would need width*height*3 bytes.
     */
    public static byte[] pngBomb(int width, int height) {
        ByteArrayOutputStream out = pngHeader(width, height);
        chunk(out, "IDAT", new byte[] { 0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 });
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * A real, valid PNG of the given size whose pixels are all zero: a few KB on disk, width*height*3
     * bytes once decoded (a decompression bomb within the pixel limits).
     */
    public static byte[] pngZeros(int width, int height) {
        ByteArrayOutputStream out = pngHeader(width, height);
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(9);
        byte[] row = new byte[1 + width * 3]; // filter byte 0, then black pixels
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        for (int y = 0; y < height; y++) {
            deflater.setInput(row);
            while (!deflater.needsInput()) {
                idat.write(buf, 0, deflater.deflate(buf));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            idat.write(buf, 0, deflater.deflate(buf));
        }
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** PNG signature and an IHDR for 8-bit truecolour of the given size. */
    private static ByteArrayOutputStream pngHeader(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, width);
        putInt(ihdr, 4, height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        chunk(out, "IHDR", ihdr);
        return out;
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] length = new byte[4];
        putInt(length, 0, data.length);
        out.writeBytes(length);
        byte[] typeAndData = new byte[4 + data.length];
        System.arraycopy(type.getBytes(StandardCharsets.US_ASCII), 0, typeAndData, 0, 4);
        System.arraycopy(data, 0, typeAndData, 4, data.length);
        out.writeBytes(typeAndData);
        CRC32 crc = new CRC32();
        crc.update(typeAndData);
        byte[] crcBytes = new byte[4];
        putInt(crcBytes, 0, (int) crc.getValue());
        out.writeBytes(crcBytes);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
