package dev.pixmill.engine;

import dev.pixmill.engine.vips.Vips;
import dev.pixmill.support.TestImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import javax.imageio.ImageIO;

/** Test images, made in the test itself where Java can (the rest are in src/test/resources/fixtures). */
final class Fixtures {

    static final int W = 96;
    static final int H = 64;
    static final ImageLimits LIMITS = new ImageLimits(20 * 1024 * 1024, 8000, 8000, 64, true);

    private Fixtures() {
    }

    static ConversionSpec spec(ImageFormat out, Integer w, Integer h) {
        return new ConversionSpec(out, 85, w, h, false, false, LIMITS, Duration.ofSeconds(60));
    }

    /**
     * 96×64 gradient with alpha: a red 16×16 mark at the top left, a fully transparent 16×16 square
     * at the bottom right.
     */
    static BufferedImage base(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int g = 64 + x * 128 / w;
                int b = 64 + y * 128 / h;
                img.setRGB(x, y, 0xFF000000 | 40 << 16 | g << 8 | b);
            }
        }
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, w / 6, h / 4);
        g.dispose();
        for (int y = h - 16; y < h; y++) {
            for (int x = w - 16; x < w; x++) {
                img.setRGB(x, y, 0x00000000);
            }
        }
        return img;
    }

    static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage read(byte[] bytes) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
            if (img == null) {
                throw new IllegalStateException("ImageIO cannot read it");
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String svg() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- a comment first -->
                <svg xmlns="http://www.w3.org/2000/svg" width="96" height="64" viewBox="0 0 96 64">
                  <rect width="96" height="64" fill="#2080c0"/>
                  <rect width="16" height="16" fill="#ff0000"/>
                </svg>
                """;
    }

    /** One input per readable format, all 96×64 (PDF: 96×64 pt). */
    static Map<ImageFormat, byte[]> inputs(ImageEngine engine) {
        byte[] png = png(base(W, H));
        Map<ImageFormat, byte[]> m = new EnumMap<>(ImageFormat.class);
        for (ImageFormat f : ImageFormat.values()) {
            m.put(f, switch (f) {
                case PNG -> png;
                case SVG -> svg().getBytes(StandardCharsets.UTF_8);
                default -> engine.convert(png, new ConversionSpec(f, 90, null, null, false, false, LIMITS,
                        Duration.ofSeconds(60))).bytes();
            });
        }
        return m;
    }

    /** A JPEG 120×80 stored sideways with EXIF orientation 6; red mark at the stored top left. */
    static byte[] orientation6Jpeg() {
        BufferedImage img = base(120, 80);
        byte[] rgb = new byte[120 * 80 * 3];
        int o = 0;
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 120; x++) {
                int p = img.getRGB(x, y) | 0xFF000000;
                rgb[o++] = (byte) (p >> 16);
                rgb[o++] = (byte) (p >> 8);
                rgb[o++] = (byte) p;
            }
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment im = Vips.newFromMemoryCopy(a, rgb, 120, 80, 3);
            try {
                Vips.setInt(a, im, "orientation", 6);
                return Vips.writeToBuffer(a, im, ".jpg[Q=95]");
            } finally {
                Vips.unref(im);
            }
        }
    }

    /** A 32×32 GIF with 3 frames (red, green, blue). */
    static byte[] animatedGif() {
        int w = 32;
        int h = 32;
        byte[] rgb = new byte[w * h * 3 * 3];
        for (int f = 0; f < 3; f++) {
            for (int i = 0; i < w * h; i++) {
                rgb[(f * w * h + i) * 3 + f] = (byte) 255;
            }
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment im = Vips.newFromMemoryCopy(a, rgb, w, h * 3, 3);
            try {
                Vips.setInt(a, im, "page-height", h);
                return Vips.writeToBuffer(a, im, ".gif");
            } finally {
                Vips.unref(im);
            }
        }
    }

    /** A well-formed PNG whose header claims width×height: a pixel bomb. */
    static byte[] pngHeaderClaiming(int width, int height) {
        return TestImages.pngBomb(width, height);
    }

    /** Fully decodes with libvips (not for BMP/ICO, whose loader is blocked) → {width, pageHeight, pages}. */
    static int[] vipsDecode(byte[] bytes, String options) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = Vips.buffer(a, bytes);
            MemorySegment im = Vips.newFromBuffer(a, buf, options);
            try {
                byte[] px = Vips.writeToMemory(a, im);
                if (px.length == 0) {
                    throw new IllegalStateException("no pixels");
                }
                return new int[] {Vips.width(im), Vips.pageHeight(im), Vips.nPages(im)};
            } finally {
                Vips.unref(im);
            }
        }
    }

    static long rssKb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS");
    }
}
