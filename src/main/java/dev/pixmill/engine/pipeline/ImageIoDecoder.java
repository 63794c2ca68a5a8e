package dev.pixmill.engine.pipeline;

import dev.pixmill.engine.ImageFormat;
import dev.pixmill.error.InvalidImageException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * BMP and ICO decoding with ImageIO (TwelveMonkeys), so that libvips' ImageMagick loader is never
 * used on untrusted input. Dimensions come from the header before any pixel is read; for ICO the
 * largest entry is used.
 */
final class ImageIoDecoder {

    static {
        ImageIO.setUseCache(false); // never spill untrusted input to temp files
        ImageIO.scanForPlugins();
    }

    /** Header facts of the chosen entry; {@code alpha} as {@link #decode} will decode it. */
    record Header(int index, int width, int height, boolean alpha) {
    }

    /** Decoded pixels: uchar, interleaved, 3 (RGB) or 4 (RGBA) bands. */
    record Pixels(byte[] data, int width, int height, int bands) {
    }

    private ImageIoDecoder() {
    }

    static Header header(byte[] input, ImageFormat format) {
        return withReader(input, format, reader -> pickLargest(reader));
    }

    static Pixels decode(byte[] input, ImageFormat format) {
        return withReader(input, format, reader -> {
            Header h = pickLargest(reader);
            BufferedImage img = reader.read(h.index());
            return toPixels(img);
        });
    }

    private interface ReaderWork<T> {
        T apply(ImageReader reader) throws IOException;
    }

    private static <T> T withReader(byte[] input, ImageFormat format, ReaderWork<T> work) {
        String name = format == ImageFormat.ICO ? "ico" : "bmp";
        try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(input))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(name);
            if (!readers.hasNext()) {
                throw new IllegalStateException("no ImageIO reader for " + name);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, false, true);
                return work.apply(reader);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidImageException ie) {
                throw ie;
            }
            if (e instanceof IllegalStateException ise && ise.getMessage() != null
                    && ise.getMessage().startsWith("no ImageIO reader")) {
                throw ise;
            }
            throw new InvalidImageException("invalid_image",
                    "the " + format.extension().toUpperCase() + " image is corrupt or truncated", e);
        }
    }

    private static Header pickLargest(ImageReader reader) throws IOException {
        int n = reader.getNumImages(true);
        if (n < 1) {
            throw new IOException("no images");
        }
        int best = 0;
        long bestArea = -1;
        int bw = 0;
        int bh = 0;
        for (int i = 0; i < Math.min(n, 64); i++) {
            int w = reader.getWidth(i);
            int h = reader.getHeight(i);
            if ((long) w * h > bestArea) {
                best = i;
                bestArea = (long) w * h;
                bw = w;
                bh = h;
            }
        }
        if (bw <= 0 || bh <= 0) {
            throw new IOException("empty image");
        }
        return new Header(best, bw, bh, declaresAlpha(reader, best));
    }

    /** The colour model the reader will decode with, from the header (no pixel is read). */
    private static boolean declaresAlpha(ImageReader reader, int index) throws IOException {
        javax.imageio.ImageTypeSpecifier raw = reader.getRawImageType(index);
        if (raw == null) {
            Iterator<javax.imageio.ImageTypeSpecifier> types = reader.getImageTypes(index);
            raw = types.hasNext() ? types.next() : null;
        }
        return raw != null && raw.getColorModel().hasAlpha();
    }

    private static Pixels toPixels(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        boolean alpha = img.getColorModel().hasAlpha();
        int bands = alpha ? 4 : 3;
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), bands)];
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                out[o++] = (byte) (p >> 16);
                out[o++] = (byte) (p >> 8);
                out[o++] = (byte) p;
                if (alpha) {
                    out[o++] = (byte) (p >>> 24);
                }
            }
        }
        return new Pixels(out, w, h, bands);
    }
}
