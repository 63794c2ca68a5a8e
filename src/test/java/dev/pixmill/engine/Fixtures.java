package dev.pixmill.engine;

import dev.pixmill.engine.vips.Vips;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.w3c.dom.Element;

/** Test images, made in the test itself where Java can (the rest are in src/test/resources/fixtures). */
final class Fixtures {

    static final int W = 96;
    static final int H = 64;
    static final ImageLimits LIMITS = new ImageLimits(20 * 1024 * 1024, 8000, 8000, 64, true);

    private Fixtures() {
    }

    static ConversionSpec spec(ImageFormat out, Integer w, Integer h) {
        return spec(out, w, h, false);
    }

    static ConversionSpec spec(ImageFormat out, Integer w, Integer h, boolean keepMetadata) {
        return new ConversionSpec(out, 85, w, h, false, keepMetadata, LIMITS, Duration.ofSeconds(60));
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

    /** Checks that {@code bytes} is a valid {@code format} image of width×height, decoding it fully. */
    static void assertDecodes(ImageFormat format, byte[] bytes, int width, int height) {
        try {
            switch (format) {
                case PDF -> {
                    assertThat(new String(bytes, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
                    try (PDDocument doc = Loader.loadPDF(bytes)) {
                        assertThat(doc.getNumberOfPages()).isEqualTo(1);
                        PDRectangle box = doc.getPage(0).getMediaBox();
                        assertThat(box.getWidth()).isEqualTo(width);
                        assertThat(box.getHeight()).isEqualTo(height);
                    }
                }
                case SVG -> {
                    var f = DocumentBuilderFactory.newInstance();
                    f.setNamespaceAware(true);
                    Element root = f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes)).getDocumentElement();
                    assertThat(root.getLocalName()).isEqualTo("svg");
                    assertThat(root.getAttribute("width")).isEqualTo(String.valueOf(width));
                    assertThat(root.getAttribute("height")).isEqualTo(String.valueOf(height));
                    assertThat(svgImageHref(root)).startsWith("data:image/");
                    // and libvips renders it back at the same size
                    int[] d = vipsDecode(bytes, "");
                    assertThat(d[0]).isEqualTo(width);
                    assertThat(d[1]).isEqualTo(height);
                }
                case BMP, ICO -> {
                    assertThat(FormatSniffer.sniff(bytes)).contains(format);
                    try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
                        ImageReader reader = ImageIO.getImageReadersByFormatName(format == ImageFormat.BMP ? "bmp" : "ico")
                                .next();
                        reader.setInput(iis);
                        BufferedImage img = reader.read(0);
                        assertThat(img.getWidth()).isEqualTo(width);
                        assertThat(img.getHeight()).isEqualTo(height);
                        reader.dispose();
                    }
                }
                default -> {
                    assertThat(FormatSniffer.sniff(bytes)).contains(format);
                    int[] d = vipsDecode(bytes, "");
                    assertThat(d[0]).isEqualTo(width);
                    assertThat(d[1]).isEqualTo(height);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String svgImageHref(Element svg) {
        Element image = (Element) svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "image").item(0);
        return image.getAttributeNS("http://www.w3.org/1999/xlink", "href");
    }

    /** The raster an SVG result embeds as a base64 data URI. */
    static byte[] svgEmbeddedRaster(byte[] svg) {
        String s = new String(svg, StandardCharsets.UTF_8);
        int start = s.indexOf(";base64,") + 8;
        return Base64.getDecoder().decode(s.substring(start, s.indexOf('"', start)));
    }

    /** Names of the fields libvips reads from the image's header. */
    static List<String> vipsFields(byte[] bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment im = Vips.newFromBuffer(a, Vips.buffer(a, bytes), "");
            try {
                return Vips.fieldNames(im);
            } finally {
                Vips.unref(im);
            }
        }
    }

    static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(9);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    // --- metadata containers, built byte by byte as cameras and editors write them ---

    /**
     * A little-endian TIFF structure with one IFD of ASCII entries (tag → bytes, NULs and all), as
     * an EXIF APP1 segment or an eXIf chunk carries it.
     */
    static byte[] tiffAsciiIfd(Map<Integer, byte[]> entries) {
        Map<Integer, byte[]> sorted = new TreeMap<>(entries);
        int dataOffset = 8 + 2 + 12 * sorted.size() + 4;
        java.nio.ByteBuffer ifd = java.nio.ByteBuffer.allocate(dataOffset - 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ifd.putShort((short) sorted.size());
        for (var e : sorted.entrySet()) {
            byte[] v = e.getValue();
            ifd.putShort(e.getKey().shortValue()).putShort((short) 2).putInt(v.length);
            if (v.length <= 4) {
                ifd.put(java.util.Arrays.copyOf(v, 4));
            } else {
                ifd.putInt(dataOffset + data.size());
                data.writeBytes(v);
                if (data.size() % 2 == 1) {
                    data.write(0);
                }
            }
        }
        ifd.putInt(0);
        return concat(new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0}, ifd.array(), data.toByteArray());
    }

    /** A JPEG marker segment: FF, marker, big-endian length, payload. */
    static byte[] jpegSegment(int marker, byte[] payload) {
        if (payload.length > 65533) {
            throw new IllegalArgumentException("a JPEG segment holds at most 65533 bytes");
        }
        int n = payload.length + 2;
        return concat(new byte[] {(byte) 0xFF, (byte) marker, (byte) (n >> 8), (byte) n}, payload);
    }

    static byte[] exifSegment(byte[] tiff) {
        return jpegSegment(0xE1, concat(latin1("Exif\0\0"), tiff));
    }

    static byte[] xmpSegment(String packet) {
        return jpegSegment(0xE1, concat(latin1("http://ns.adobe.com/xap/1.0/\0"),
                packet.getBytes(StandardCharsets.UTF_8)));
    }

    /** An XMP packet whose dc:description holds {@code description} as text. */
    static String xmpPacket(String description) {
        return "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
                + "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                + "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
                + " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"><dc:description>" + description
                + "</dc:description></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
    }

    /** APP13 "Photoshop 3.0" with one 8BIM IPTC-NAA resource holding a caption (2:120). */
    static byte[] iptcSegment(String caption) {
        byte[] text = caption.getBytes(StandardCharsets.UTF_8);
        byte[] iim = concat(new byte[] {0x1C, 2, 120, (byte) (text.length >> 8), (byte) text.length}, text);
        java.nio.ByteBuffer res = java.nio.ByteBuffer.allocate(4 + 2 + 2 + 4 + iim.length + (iim.length & 1));
        res.put(latin1("8BIM")).putShort((short) 0x0404).putShort((short) 0).putInt(iim.length).put(iim);
        return jpegSegment(0xED, concat(latin1("Photoshop 3.0\0"), res.array()));
    }

    /** APP2 ICC_PROFILE segments (the profile split as JPEG requires). */
    static byte[] iccSegments(byte[] profile) {
        int per = 65519;
        int count = (profile.length + per - 1) / per;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            byte[] part = java.util.Arrays.copyOfRange(profile, i * per, Math.min(profile.length, (i + 1) * per));
            out.writeBytes(jpegSegment(0xE2, concat(latin1("ICC_PROFILE\0"), new byte[] {(byte) (i + 1), (byte) count},
                    part)));
        }
        return out.toByteArray();
    }

    static byte[] comSegment(byte[] comment) {
        return jpegSegment(0xFE, comment);
    }

    /** The ICC profile a JPEG embeds, joined from its APP2 segments. */
    static byte[] iccProfileOf(byte[] jpeg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int off = 2;
        while (off + 4 <= jpeg.length && (jpeg[off] & 0xFF) == 0xFF && (jpeg[off + 1] & 0xFF) != 0xDA) {
            int len = (jpeg[off + 2] & 0xFF) << 8 | jpeg[off + 3] & 0xFF;
            if ((jpeg[off + 1] & 0xFF) == 0xE2 && new String(jpeg, off + 4, 11, StandardCharsets.ISO_8859_1)
                    .equals("ICC_PROFILE")) {
                out.write(jpeg, off + 4 + 14, len - 2 - 14);
            }
            off += 2 + len;
        }
        return out.toByteArray();
    }

    /** The JPEG with {@code segments} inserted right after its SOI marker. */
    static byte[] jpegWith(byte[] jpeg, byte[]... segments) {
        return concat(java.util.Arrays.copyOf(jpeg, 2), concat(segments),
                java.util.Arrays.copyOfRange(jpeg, 2, jpeg.length));
    }

    /** A PNG chunk: length, type, data, CRC. */
    static byte[] pngChunk(String type, byte[] data) {
        byte[] typeAndData = concat(latin1(type), data);
        CRC32 crc = new CRC32();
        crc.update(typeAndData);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + typeAndData.length);
        b.putInt(data.length).put(typeAndData).putInt((int) crc.getValue());
        return b.array();
    }

    static byte[] tEXt(byte[] keyword, byte[] text) {
        return pngChunk("tEXt", concat(keyword, new byte[] {0}, text));
    }

    static byte[] zTXt(byte[] keyword, byte[] text) {
        return pngChunk("zTXt", concat(keyword, new byte[] {0, 0}, deflate(text)));
    }

    static byte[] iTXt(String keyword, String text, boolean compressed) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return pngChunk("iTXt", concat(latin1(keyword), new byte[] {0, (byte) (compressed ? 1 : 0), 0},
                latin1("en\0\0"), compressed ? deflate(utf8) : utf8));
    }

    static byte[] iCCP(byte[] profile) {
        return pngChunk("iCCP", concat(latin1("icc\0\0"), deflate(profile)));
    }

    /** The PNG with {@code chunks} inserted right after its IHDR. */
    static byte[] pngWith(byte[] png, byte[]... chunks) {
        int afterIhdr = 8 + 8 + 13 + 4;
        return concat(java.util.Arrays.copyOf(png, afterIhdr), concat(chunks),
                java.util.Arrays.copyOfRange(png, afterIhdr, png.length));
    }

    /** The GIF with extensions (comment, XMP application data) inserted before its first image. */
    static byte[] gifWith(byte[] gif, byte[]... extensions) {
        int flags = gif[10] & 0xFF;
        int afterHeader = 13 + ((flags & 0x80) != 0 ? 3 * (1 << ((flags & 7) + 1)) : 0);
        return concat(java.util.Arrays.copyOf(gif, afterHeader), concat(extensions),
                java.util.Arrays.copyOfRange(gif, afterHeader, gif.length));
    }

    /** A GIF extension block: introducer, label, {@code head} as its own sub-block, data in sub-blocks. */
    static byte[] gifExtension(int label, byte[] head, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x21);
        out.write(label);
        if (head.length > 0) {
            out.write(head.length);
            out.writeBytes(head);
        }
        for (int i = 0; i < data.length; i += 255) {
            int n = Math.min(255, data.length - i);
            out.write(n);
            out.write(data, i, n);
        }
        out.write(0);
        return out.toByteArray();
    }

    static long rssKb() {
        return statusKb("VmRSS:");
    }

    /** Peak resident set size of this process so far. */
    static long peakRssKb() {
        return statusKb("VmHWM:");
    }

    private static long statusKb(String field) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no " + field);
    }
}
