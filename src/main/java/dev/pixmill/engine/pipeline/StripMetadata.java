package dev.pixmill.engine.pipeline;

import dev.pixmill.engine.vips.Vips;
import dev.pixmill.engine.vips.VipsException;
import dev.pixmill.error.ProcessingException;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Unless metadata is kept, removes from a copy of the image every field but those the savers need
 * to lay out pixels: EXIF, XMP, IPTC, the ICC profile (ToSrgb has already converted through it),
 * PNG and GIF comments, HEIF and WebP fields, orientation, and whatever a loader adds next. The
 * savers still get {@code strip}, but are not trusted with it: libvips 8.14's webpsave ignores it.
 */
public final class StripMetadata implements Step {

    private static final Logger LOG = Logger.getLogger(StripMetadata.class);

    /** Header fields (libvips cannot remove them) and the animation fields the GIF and WebP savers read. */
    static final Set<String> KEPT = Set.of("width", "height", "bands", "format", "coding", "interpretation",
            "xoffset", "yoffset", "xres", "yres", "filename", "page-height", "n-pages", "delay", "loop", "gif-delay",
            "gif-loop");

    @Override
    public String name() {
        return "strip";
    }

    @Override
    public void run(PipelineContext ctx) {
        if (ctx.spec.keepMetadata()) {
            return;
        }
        try {
            // the image may be shared with libvips' own references: change only a private copy
            ctx.replaceImage(Vips.copy(ctx.arena, ctx.image()));
        } catch (VipsException e) {
            throw new ProcessingException("processing_failed", "the image could not be processed", e);
        }
        List<String> removed = Vips.removeFields(ctx.image(), name -> !KEPT.contains(name));
        LOG.debugf("metadata removed: %s", removed);
    }
}
