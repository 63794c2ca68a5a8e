package dev.pixmill.support;

import dev.pixmill.engine.vips.Vips;
import org.w3c.dom.Node;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Animated GIF and WebP files built the way other tools write them (the GIF by the JDK's writer,
 * the WebP container by hand around single lossless frames), and read back frame by frame: the
 * timing from the files' own structures, the pixels composited by libvips.
 */
public final class Animations {

    private Animations() {
    }

    /** One frame and how long it shows. */
    public record Frame(BufferedImage image, int delayMs) {
    }

    /** Every frame as libvips composites it: a tall image of {@code pages} frames, 4 bands (RGBA). */
    public record Decoded(int width, int pageHeight, int pages, byte[] rgba) {

        /** {r, g, b, a} of a pixel of one frame. */
        public int[] pixel(int frame, int x, int y) {
            int o = (((frame * pageHeight) + y) * width + x) * 4;
            return new int[] {rgba[o] & 0xFF, rgba[o + 1] & 0xFF, rgba[o + 2] & 0xFF, rgba[o + 3] & 0xFF};
        }
    }

    /**
     * An animated GIF by the JDK's GIF writer: a graphic control extension per frame with its delay
     * (in hundredths of a second, so delays are multiples of 10 ms) and a NETSCAPE2.0 loop count
     * (0 = forever).
     */
    public static byte[] gif(List<Frame> frames, int loop) {
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.prepareWriteSequence(null);
                for (int i = 0; i < frames.size(); i++) {
                    Frame f = frames.get(i);
                    BufferedImage rgb = new BufferedImage(f.image().getWidth(), f.image().getHeight(),
                            BufferedImage.TYPE_INT_RGB);
                    rgb.getGraphics().drawImage(f.image(), 0, 0, null);
                    ImageWriteParam param = writer.getDefaultWriteParam();
                    IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(rgb),
                            param);
                    String format = meta.getNativeMetadataFormatName();
                    IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
                    IIOMetadataNode gce = child(root, "GraphicControlExtension");
                    gce.setAttribute("disposalMethod", "none");
                    gce.setAttribute("userInputFlag", "FALSE");
                    gce.setAttribute("transparentColorFlag", "FALSE");
                    gce.setAttribute("delayTime", String.valueOf(f.delayMs() / 10));
                    gce.setAttribute("transparentColorIndex", "0");
                    if (i == 0) {
                        IIOMetadataNode apps = child(root, "ApplicationExtensions");
                        IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
                        app.setAttribute("applicationID", "NETSCAPE");
                        app.setAttribute("authenticationCode", "2.0");
                        app.setUserObject(new byte[] {1, (byte) (loop & 0xFF), (byte) ((loop >> 8) & 0xFF)});
                        apps.appendChild(app);
                    }
                    meta.setFromTree(format, root);
                    writer.writeToSequence(new IIOImage(rgb, null, meta), param);
                }
                writer.endWriteSequence();
            }
            writer.dispose();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return (IIOMetadataNode) n;
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }

    /**
     * An animated WebP: VP8X (animation and alpha flags), ANIM (loop count, 0 = forever) and one
     * ANMF per frame with its duration, each holding the VP8L bitstream of that frame encoded
     * alone (lossless, so frames decode to exactly their pixels).
     */
    public static byte[] webp(List<Frame> frames, int loop) {
        int w = frames.getFirst().image().getWidth();
        int h = frames.getFirst().image().getHeight();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ByteBuffer vp8x = le(10).put((byte) 0x12).put(new byte[3]); // animation | alpha
        put24(vp8x, w - 1);
        put24(vp8x, h - 1);
        chunk(body, "VP8X", vp8x.array());
        chunk(body, "ANIM", le(6).putInt(0).putShort((short) loop).array());
        for (Frame f : frames) {
            byte[] vp8l = vp8lOf(TestImages.encode(f.image(), "png"));
            ByteBuffer anmf = le(16 + 8 + vp8l.length + (vp8l.length & 1));
            put24(anmf, 0);
            put24(anmf, 0);
            put24(anmf, f.image().getWidth() - 1);
            put24(anmf, f.image().getHeight() - 1);
            put24(anmf, f.delayMs());
            anmf.put((byte) 0x02); // no blending, no disposal
            anmf.put("VP8L".getBytes(StandardCharsets.US_ASCII)).putInt(vp8l.length).put(vp8l);
            chunk(body, "ANMF", anmf.array());
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        file.writeBytes(le(4).putInt(4 + body.size()).array());
        file.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        file.writeBytes(body.toByteArray());
        return file.toByteArray();
    }

    /** The VP8L chunk's payload of a lossless WebP made by libvips from the PNG. */
    private static byte[] vp8lOf(byte[] png) {
        byte[] webp;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment im = Vips.newFromBuffer(a, Vips.buffer(a, png), "");
            try {
                webp = Vips.writeToBuffer(a, im, ".webp[lossless,strip]");
            } finally {
                Vips.unref(im);
            }
        }
        for (Chunk c : chunks(webp)) {
            if (c.type().equals("VP8L")) {
                return java.util.Arrays.copyOfRange(webp, c.offset(), c.offset() + c.size());
            }
        }
        throw new IllegalStateException("libvips wrote no VP8L chunk");
    }

    /** Decodes every frame with libvips ({@code n=-1} for GIF and WebP; other formats have one), as RGBA. */
    public static Decoded decode(byte[] bytes) {
        boolean pages = Magic.matches(dev.pixmill.engine.ImageFormat.GIF, bytes)
                || Magic.matches(dev.pixmill.engine.ImageFormat.WEBP, bytes);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment im = Vips.newFromBuffer(a, Vips.buffer(a, bytes), pages ? "n=-1" : "");
            MemorySegment rgba = MemorySegment.NULL;
            try {
                rgba = Vips.hasAlpha(im) ? Vips.copy(a, im) : Vips.addAlpha(a, im);
                return new Decoded(Vips.width(rgba), Vips.pageHeight(rgba), Vips.height(rgba) / Vips.pageHeight(rgba),
                        Vips.writeToMemory(a, rgba));
            } finally {
                Vips.unref(rgba);
                Vips.unref(im);
            }
        }
    }

    /** Per-frame delays of a GIF in ms, read by the JDK's GIF reader. */
    public static int[] gifDelaysMs(byte[] gif) {
        List<Integer> delays = new ArrayList<>();
        forEachGifFrame(gif, root -> delays.add(10 * Integer.parseInt(
                child(root, "GraphicControlExtension").getAttribute("delayTime"))));
        return delays.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The NETSCAPE2.0 loop count of a GIF (0 = forever), or -1 when it has none (plays once). */
    public static int gifLoop(byte[] gif) {
        int[] loop = {-1};
        forEachGifFrame(gif, root -> {
            for (Node n = child(root, "ApplicationExtensions").getFirstChild(); n != null; n = n.getNextSibling()) {
                IIOMetadataNode app = (IIOMetadataNode) n;
                if ("NETSCAPE".equals(app.getAttribute("applicationID"))) {
                    byte[] data = (byte[]) app.getUserObject();
                    loop[0] = (data[1] & 0xFF) | (data[2] & 0xFF) << 8;
                }
            }
        });
        return loop[0];
    }

    private static void forEachGifFrame(byte[] gif, java.util.function.Consumer<IIOMetadataNode> action) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in, false);
            int n = reader.getNumImages(true);
            for (int i = 0; i < n; i++) {
                IIOMetadata meta = reader.getImageMetadata(i);
                action.accept((IIOMetadataNode) meta.getAsTree(meta.getNativeMetadataFormatName()));
            }
            reader.dispose();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Per-frame durations of an animated WebP in ms, from its ANMF chunks. */
    public static int[] webpDelaysMs(byte[] webp) {
        return chunks(webp).stream().filter(c -> c.type().equals("ANMF"))
                .mapToInt(c -> get24(webp, c.offset() + 12)).toArray();
    }

    /** The loop count of an animated WebP's ANIM chunk (0 = forever). */
    public static int webpLoop(byte[] webp) {
        Chunk anim = chunks(webp).stream().filter(c -> c.type().equals("ANIM")).findFirst()
                .orElseThrow(() -> new AssertionError("no ANIM chunk"));
        return (webp[anim.offset() + 4] & 0xFF) | (webp[anim.offset() + 5] & 0xFF) << 8;
    }

    private record Chunk(String type, int offset, int size) {
    }

    private static List<Chunk> chunks(byte[] webp) {
        List<Chunk> list = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN);
        int off = 12;
        while (off + 8 <= webp.length) {
            String type = new String(webp, off, 4, StandardCharsets.US_ASCII);
            int size = b.getInt(off + 4);
            list.add(new Chunk(type, off + 8, size));
            off += 8 + size + (size & 1);
        }
        return list;
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(type.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le(4).putInt(data.length).array());
        out.writeBytes(data);
        if ((data.length & 1) == 1) {
            out.write(0);
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void put24(ByteBuffer b, int v) {
        b.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
    }

    private static int get24(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16;
    }
}
