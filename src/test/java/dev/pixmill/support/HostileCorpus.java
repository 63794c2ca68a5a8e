package dev.pixmill.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates hostile inputs the way an attacker's corpus would: every valid format truncated,
 * corrupted and cut to its header; headers that claim huge sizes; decompression bombs; many-frame
 * GIFs; SVGs with costly filters, reference bombs, entities, external references and broken
 * structure; PDFs with huge or missing pages; random bytes behind each format's magic. The same
 * seed gives the same corpus.
 */
public final class HostileCorpus {

    public record Sample(String name, byte[] bytes) {
    }

    private HostileCorpus() {
    }

    /**
     * @param valid one valid file per format, by extension (jpg, png, webp, gif, tiff, avif, heic,
     *        bmp, ico, pdf, svg)
     */
    public static List<Sample> generate(Map<String, byte[]> valid, long seed) {
        Random random = new Random(seed);
        List<Sample> out = new ArrayList<>();
        for (var e : valid.entrySet()) {
            String ext = e.getKey();
            byte[] b = e.getValue();
            for (double f : new double[] {0.02, 0.2, 0.5, 0.8, 0.97}) {
                out.add(new Sample("truncated-" + (int) (f * 100) + "." + ext, Arrays.copyOf(b, (int) (b.length * f))));
            }
            for (int i = 0; i < 14; i++) {
                byte[] c = b.clone();
                int flips = 1 + random.nextInt(16);
                for (int k = 0; k < flips; k++) {
                    int at = Math.min(c.length - 1, 8 + random.nextInt(Math.max(1, c.length - 8)));
                    c[at] = (byte) random.nextInt(256);
                }
                out.add(new Sample("corrupt-" + i + "." + ext, c));
            }
            out.add(new Sample("header-only." + ext, Arrays.copyOf(b, Math.min(b.length, 64))));
            byte[] noise = new byte[4096];
            random.nextBytes(noise);
            System.arraycopy(b, 0, noise, 0, Math.min(16, b.length));
            out.add(new Sample("magic-then-noise." + ext, noise));
        }
        out.add(new Sample("empty.png", new byte[0]));
        out.add(new Sample("one-byte.jpg", new byte[] {(byte) 0xFF}));
        out.addAll(headerBombs(valid));
        out.addAll(svgs());
        out.addAll(pdfs());
        out.add(new Sample("many-frames.gif", manyFrameGif(3000, 32, 32)));
        out.add(new Sample("huge-frame-count.gif", manyFrameGif(20000, 8, 8)));
        return out;
    }

    private static List<Sample> headerBombs(Map<String, byte[]> valid) {
        List<Sample> out = new ArrayList<>();
        out.add(new Sample("png-claims-100000x100000.png", TestImages.pngBomb(100_000, 100_000)));
        out.add(new Sample("png-claims-int-max.png", TestImages.pngBomb(Integer.MAX_VALUE, 1)));
        out.add(new Sample("png-claims-zero.png", TestImages.pngBomb(0, 100)));
        out.add(new Sample("png-8000x8000-zeros.png", TestImages.pngZeros(8000, 8000)));
        out.add(new Sample("png-7999x7999-zeros.png", TestImages.pngZeros(7999, 7999)));
        byte[] jpg = valid.get("jpg");
        if (jpg != null) {
            out.add(new Sample("jpeg-sof-65500x65500.jpg", jpegClaiming(jpg, 65_500, 65_500)));
            out.add(new Sample("jpeg-sof-0x0.jpg", jpegClaiming(jpg, 0, 0)));
        }
        byte[] gif = valid.get("gif");
        if (gif != null) {
            byte[] g = gif.clone();
            g[6] = (byte) 0xFF;
            g[7] = (byte) 0xFF;
            g[8] = (byte) 0xFF;
            g[9] = (byte) 0xFF;
            out.add(new Sample("gif-screen-65535x65535.gif", g));
        }
        byte[] bmp = valid.get("bmp");
        if (bmp != null && bmp.length > 26) {
            byte[] m = bmp.clone();
            putIntLe(m, 18, 30_000);
            putIntLe(m, 22, -30_000);
            out.add(new Sample("bmp-claims-30000x30000.bmp", m));
            byte[] n = bmp.clone();
            putIntLe(n, 18, Integer.MIN_VALUE);
            out.add(new Sample("bmp-width-int-min.bmp", n));
        }
        return out;
    }

    /** Rewrites the first SOFn marker's height and width. */
    private static byte[] jpegClaiming(byte[] jpg, int w, int h) {
        byte[] j = jpg.clone();
        for (int i = 2; i + 9 < j.length; i++) {
            int m = j[i + 1] & 0xFF;
            if ((j[i] & 0xFF) == 0xFF && m >= 0xC0 && m <= 0xC2) {
                j[i + 5] = (byte) (h >> 8);
                j[i + 6] = (byte) h;
                j[i + 7] = (byte) (w >> 8);
                j[i + 8] = (byte) w;
                break;
            }
        }
        return j;
    }

    private static final String OPEN = "<svg xmlns=\"http://www.w3.org/2000/svg\" "
            + "xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"%d\" height=\"%d\">";

    private static Sample svg(String name, String text) {
        return new Sample(name + ".svg", text.getBytes(StandardCharsets.UTF_8));
    }

    private static String open(int w, int h) {
        return OPEN.formatted(w, h);
    }

    static List<Sample> svgs() {
        List<Sample> out = new ArrayList<>();
        String filtered = "<rect width=\"100%%\" height=\"100%%\" filter=\"url(#f)\"/></svg>";
        out.add(svg("blur-huge-radius", open(4000, 4000) + "<filter id=\"f\" x=\"-10\" y=\"-10\" width=\"20\" "
                + "height=\"20\"><feGaussianBlur stdDeviation=\"100000\"/></filter>" + filtered.formatted()));
        out.add(svg("turbulence-high-octaves", open(4000, 4000) + "<filter id=\"f\"><feTurbulence "
                + "baseFrequency=\"0.01\" numOctaves=\"100000\"/></filter>" + filtered.formatted()));
        out.add(svg("turbulence-allowed-but-slow", open(2500, 2500) + "<filter id=\"f\"><feTurbulence "
                + "baseFrequency=\"0.02\" numOctaves=\"8\"/></filter>" + filtered.formatted()));
        out.add(svg("blur-allowed-wide-region", open(6000, 6000) + "<filter id=\"f\" x=\"-5\" y=\"-5\" width=\"11\" "
                + "height=\"11\"><feGaussianBlur stdDeviation=\"200\"/></filter>" + filtered.formatted()));
        out.add(svg("morphology-radius", open(2000, 2000) + "<filter id=\"f\"><feMorphology radius=\"1e6\"/>"
                + "</filter>" + filtered.formatted()));
        out.add(svg("convolve-order", open(1000, 1000) + "<filter id=\"f\"><feConvolveMatrix order=\"200\" "
                + "kernelMatrix=\"1\"/></filter>" + filtered.formatted()));
        out.add(svg("filter-chain", open(1000, 1000) + "<filter id=\"f\">"
                + "<feGaussianBlur stdDeviation=\"50\"/>".repeat(100) + "</filter>" + filtered.formatted()));
        StringBuilder use = new StringBuilder(open(100, 100)).append("<defs><path id=\"l0\" d=\"M0 0h1v1z\"/>");
        for (int level = 1; level <= 12; level++) {
            use.append("<g id=\"l").append(level).append("\">");
            use.append(("<use href=\"#l" + (level - 1) + "\"/>").repeat(10)).append("</g>");
        }
        out.add(svg("use-bomb", use.append("</defs><use href=\"#l12\"/></svg>").toString()));
        out.add(svg("pattern-bomb", open(500, 500) + "<defs><pattern id=\"p\" width=\"1\" height=\"1\">"
                + "<rect width=\"1\" height=\"1\"/>".repeat(2000) + "</pattern></defs>"
                + "<rect width=\"500\" height=\"500\" fill=\"url(#p)\"/>".repeat(100) + "</svg>"));
        out.add(svg("self-reference", open(10, 10) + "<g id=\"a\"><use href=\"#a\"/></g></svg>"));
        out.add(svg("deep-nesting", open(10, 10) + "<g>".repeat(400) + "</g>".repeat(400) + "</svg>"));
        out.add(svg("many-elements", open(100, 100) + "<rect width=\"1\" height=\"1\"/>".repeat(30_000) + "</svg>"));
        out.add(svg("huge-canvas", open(1_000_000, 1_000_000) + "<rect width=\"10\" height=\"10\"/></svg>"));
        out.add(svg("int-overflow-canvas", open(Integer.MAX_VALUE, 3) + "</svg>"));
        out.add(svg("negative-size", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"-5\" height=\"-5\"/>"));
        out.add(svg("nan-size", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"NaN\" height=\"1e999\"/>"));
        out.add(svg("zero-viewbox", "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 0 0\"><rect/></svg>"));
        out.add(svg("tiny-viewbox-huge-scale", open(8000, 8000).replace(">", " viewBox=\"0 0 0.0001 0.0001\">")
                + "<circle r=\"1\" stroke-width=\"1e30\" stroke=\"red\"/></svg>"));
        out.add(svg("xxe", "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + open(10, 10) + "<text>&x;</text></svg>"));
        out.add(svg("billion-laughs", "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY a \"aaaaaaaaaa\">"
                + "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
                + open(10, 10) + "<text>&c;</text></svg>"));
        out.add(svg("external-refs", open(50, 50) + "<image href=\"http://169.254.169.254/latest/meta-data\" "
                + "width=\"50\" height=\"50\"/><image xlink:href=\"file:///etc/passwd\"/><use href=\"http://x/y#z\"/>"
                + "<style>@import url(http://127.0.0.1:1/a.css);</style></svg>"));
        out.add(svg("script-and-foreign", open(50, 50) + "<script>alert(1)</script><foreignObject><div "
                + "xmlns=\"http://www.w3.org/1999/xhtml\">x</div></foreignObject><rect onload=\"alert(1)\"/></svg>"));
        out.add(svg("huge-font", open(500, 500) + "<text font-size=\"1e9\" x=\"0\" y=\"0\">"
                + "W".repeat(20_000) + "</text></svg>"));
        out.add(svg("dasharray", open(2000, 2000) + "<path d=\"M0 0 L2000 2000\" stroke=\"black\" stroke-dasharray=\""
                + "0.0001 ".repeat(20_000) + "\"/></svg>"));
        out.add(svg("long-path", open(2000, 2000) + "<path d=\"M0 0" + " L1 1 L1999 1999".repeat(50_000)
                + "\" stroke=\"black\" stroke-width=\"50\" fill=\"red\"/></svg>"));
        out.add(svg("unclosed", open(10, 10) + "<g><rect>"));
        out.add(svg("not-svg-root", "<html xmlns=\"http://www.w3.org/1999/xhtml\"><svg/></html>"));
        out.add(new Sample("utf16.svg", ("\uFEFF" + open(10, 10) + "</svg>").getBytes(StandardCharsets.UTF_16)));
        out.add(svg("nul-bytes", open(10, 10) + "\u0000</svg>"));
        return out;
    }

    static List<Sample> pdfs() {
        List<Sample> out = new ArrayList<>();
        out.add(new Sample("pdf-huge-page.pdf", pdf("[0 0 14400 14400]", "0 0 1 rg 0 0 100 100 re f")));
        out.add(new Sample("pdf-tiny-page.pdf", pdf("[0 0 0 0]", "")));
        out.add(new Sample("pdf-negative-page.pdf", pdf("[0 0 -500 -500]", "")));
        StringBuilder path = new StringBuilder("1 w 0 0 m ");
        for (int i = 0; i < 200_000; i++) {
            path.append(i % 600).append(' ').append((i * 7) % 800).append(" l ");
        }
        out.add(new Sample("pdf-long-path.pdf", pdf("[0 0 600 800]", path.append("S").toString())));
        out.add(new Sample("pdf-deep-nesting.pdf", pdf("[0 0 600 800]", "q ".repeat(100_000) + "Q ".repeat(100_000))));
        out.add(new Sample("pdf-no-pages.pdf", ("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                + "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
                .getBytes(StandardCharsets.US_ASCII)));
        out.add(new Sample("pdf-looping-pages.pdf", ("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                + "2 0 obj<</Type/Pages/Kids[2 0 R]/Count 1>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
                .getBytes(StandardCharsets.US_ASCII)));
        return out;
    }

    /** A one-page PDF with the given media box and content stream (xref offsets are not needed by poppler). */
    static byte[] pdf(String mediaBox, String content) {
        String s = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                + "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                + "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox" + mediaBox + "/Contents 4 0 R>>endobj\n"
                + "4 0 obj<</Length " + content.length() + ">>stream\n" + content + "\nendstream endobj\n"
                + "trailer<</Root 1 0 R>>\n%%EOF\n";
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** An animated GIF of {@code frames} frames of w×h, each a different flat colour (LZW minimum). */
    static byte[] manyFrameGif(int frames, int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {(byte) w, (byte) (w >> 8), (byte) h, (byte) (h >> 8), (byte) 0xF0, 0, 0});
        for (int i = 0; i < 2; i++) {
            out.writeBytes(new byte[] {(byte) (i * 255), 0, (byte) (255 - i * 255)});
        }
        out.writeBytes(new byte[] {0x21, (byte) 0xFF, 0x0B});
        out.writeBytes("NETSCAPE2.0".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {3, 1, 0, 0, 0});
        for (int f = 0; f < frames; f++) {
            out.writeBytes(new byte[] {0x21, (byte) 0xF9, 4, 0, 2, 0, 0, 0}); // 20 ms
            out.writeBytes(new byte[] {0x2C, 0, 0, 0, 0, (byte) w, (byte) (w >> 8), (byte) h, (byte) (h >> 8), 0});
            // LZW min code size 2; clear, then one pixel of colour f%2, end; the rest of the frame stays
            // undefined-but-valid (decoders fill with background)
            out.writeBytes(new byte[] {2, 2, (byte) (f % 2 == 0 ? 0x44 : 0x4C), 0x01, 0});
        }
        out.write(0x3B);
        return out.toByteArray();
    }

    private static void putIntLe(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
        b[at + 2] = (byte) (v >> 16);
        b[at + 3] = (byte) (v >> 24);
    }
}
