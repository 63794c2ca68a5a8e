package dev.pixmill.engine.pipeline;

import dev.pixmill.engine.ImageFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jboss.logging.Logger;

/**
 * Drops PNG text chunks (tEXt, zTXt, iTXt) before libvips parses the file. libpng inflates each
 * compressed one up to 8 MB and libvips copies it into the image's fields, header read and load
 * alike: forty 7 KB zTXt chunks cost 1.2 GB and 14 s before a pixel is decoded. Stripped output
 * never carries them, so they all go; when metadata is kept, those within a small budget stay.
 */
public final class PngTextChunks implements Step {

    private static final Logger LOG = Logger.getLogger(PngTextChunks.class);

    /** Inflated size of one kept chunk, of all chunks looked at, and how many are kept. */
    static final int MAX_CHUNK_TEXT = 1 << 20;
    static final int MAX_TOTAL_TEXT = 4 << 20;
    static final int MAX_CHUNKS = 64;

    private static final int SIGNATURE = 8;

    @Override
    public String name() {
        return "png-text";
    }

    @Override
    public void run(PipelineContext ctx) {
        if (ctx.format != ImageFormat.PNG) {
            return;
        }
        byte[] kept = withBoundedText(ctx.input, ctx.spec != null && ctx.spec.keepMetadata());
        if (kept != ctx.input) {
            ctx.sanitizedInput(kept);
        }
    }

    /**
     * The PNG without the text chunks it may not keep, or {@code png} itself when it keeps them all.
     * A malformed chunk list is passed on as it is, for libvips to reject.
     */
    static byte[] withBoundedText(byte[] png, boolean keepText) {
        ByteArrayOutputStream out = null;
        int keptChunks = 0;
        long examined = 0; // inflated bytes looked at, kept or not: the work is bounded too
        int dropped = 0;
        int off = SIGNATURE;
        while (off + 12 <= png.length) {
            long length = u32(png, off);
            long end = off + 12 + length;
            if (end > png.length) {
                break;
            }
            String type = new String(png, off + 4, 4, StandardCharsets.ISO_8859_1);
            boolean text = type.equals("tEXt") || type.equals("zTXt") || type.equals("iTXt");
            boolean keep = !text;
            if (text && keepText && keptChunks < MAX_CHUNKS && examined < MAX_TOTAL_TEXT) {
                int limit = (int) Math.min(MAX_CHUNK_TEXT, MAX_TOTAL_TEXT - examined);
                long size = textSize(type, png, off + 8, (int) length, limit);
                examined += Math.min(size, limit + 1L);
                if (size <= limit) {
                    keep = true;
                    keptChunks++;
                }
            }
            if (!keep && out == null) {
                out = new ByteArrayOutputStream(png.length);
                out.write(png, 0, off);
            } else if (keep && out != null) {
                out.write(png, off, (int) (end - off));
            }
            dropped += keep ? 0 : 1;
            off = (int) end;
            if (type.equals("IEND")) {
                break;
            }
        }
        if (out == null) {
            return png;
        }
        out.write(png, off, png.length - off); // whatever trails IEND (or a malformed tail) stays as it was
        LOG.debugf("dropped %d PNG text chunks", dropped);
        return out.toByteArray();
    }

    /** Size of the chunk's text once inflated, counted only until it passes {@code limit}. */
    private static long textSize(String type, byte[] b, int data, int length, int limit) {
        int keyEnd = indexOf(b, data, data + length, 0);
        if (keyEnd < 0) {
            return length;
        }
        return switch (type) {
            case "zTXt" -> inflatedSize(b, keyEnd + 2, data + length, limit); // keyword, NUL, method
            case "iTXt" -> {
                // keyword, NUL, compression flag, method, language, NUL, translated keyword, NUL, text
                int flag = keyEnd + 1;
                int language = indexOf(b, flag + 2, data + length, 0);
                int translated = language < 0 ? -1 : indexOf(b, language + 1, data + length, 0);
                if (translated < 0 || flag >= data + length || b[flag] == 0) {
                    yield length;
                }
                yield inflatedSize(b, translated + 1, data + length, limit);
            }
            default -> length;
        };
    }

    private static long inflatedSize(byte[] b, int from, int to, int limit) {
        if (from > to) {
            return 0;
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(b, from, to - from);
            byte[] scratch = new byte[64 * 1024];
            long total = 0;
            while (total <= limit && !inflater.finished() && !inflater.needsInput() && !inflater.needsDictionary()) {
                total += inflater.inflate(scratch);
            }
            return total;
        } catch (DataFormatException e) {
            return 0; // libpng drops a corrupt text chunk with a warning
        } finally {
            inflater.end();
        }
    }

    private static int indexOf(byte[] b, int from, int to, int value) {
        for (int i = from; i < to; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static long u32(byte[] b, int off) {
        return (b[off] & 0xFFL) << 24 | (b[off + 1] & 0xFFL) << 16 | (b[off + 2] & 0xFFL) << 8 | (b[off + 3] & 0xFFL);
    }
}
