package dev.pixmill.engine.pipeline;

import dev.pixmill.engine.ImageFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Unless metadata is kept, drops the EXIF, XMP and ICC chunks from a WebP result. libvips 8.14's
 * webpsave never sees its {@code strip} option (it reads a field of its own that nothing sets), so
 * it rebuilds an EXIF block from the image header (resolution, orientation) and writes it even
 * when {@link StripMetadata} has removed every field.
 */
public final class StripWebpChunks implements Step {

    private static final Set<String> METADATA = Set.of("EXIF", "XMP ", "ICCP");
    /** VP8X flags that announce those chunks. */
    private static final int ICC_FLAG = 0x20;
    private static final int EXIF_FLAG = 0x08;
    private static final int XMP_FLAG = 0x04;

    @Override
    public String name() {
        return "strip-webp";
    }

    @Override
    public void run(PipelineContext ctx) {
        if (ctx.spec.output() == ImageFormat.WEBP && !ctx.spec.keepMetadata()) {
            ctx.output = withoutMetadata(ctx.output);
        }
    }

    /** The RIFF container without metadata chunks; the flags of its VP8X header cleared to match. */
    static byte[] withoutMetadata(byte[] webp) {
        if (webp.length < 12 || !fourCc(webp, 0).equals("RIFF") || !fourCc(webp, 8).equals("WEBP")) {
            throw new IllegalStateException("the WebP encoder wrote no RIFF/WEBP container");
        }
        ByteBuffer in = ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN);
        long riffEnd = Math.min(webp.length, 8 + Integer.toUnsignedLong(in.getInt(4)));
        byte[] out = new byte[webp.length];
        System.arraycopy(webp, 0, out, 0, 12);
        int pos = 12;
        long off = 12;
        while (off + 8 <= riffEnd) {
            String type = fourCc(webp, (int) off);
            long size = Integer.toUnsignedLong(in.getInt((int) off + 4));
            if (off + 8 + size > riffEnd) {
                throw new IllegalStateException("the WebP encoder wrote a truncated " + type + " chunk");
            }
            long next = Math.min(riffEnd, off + 8 + size + (size & 1)); // chunks are padded to even sizes
            if (!METADATA.contains(type)) {
                int length = (int) (next - off);
                System.arraycopy(webp, (int) off, out, pos, length);
                if (type.equals("VP8X") && size > 0) {
                    out[pos + 8] &= (byte) ~(ICC_FLAG | EXIF_FLAG | XMP_FLAG);
                }
                pos += length;
            }
            off = next;
        }
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(4, pos - 8);
        return Arrays.copyOf(out, pos);
    }

    private static String fourCc(byte[] b, int off) {
        return new String(b, off, 4, StandardCharsets.ISO_8859_1);
    }
}
