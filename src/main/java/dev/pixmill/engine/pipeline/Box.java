package dev.pixmill.engine.pipeline;

import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.Fit;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.vips.Vips;

/**
 * The box a conversion fits its image to, with ICO's 256-pixel limit applied, and the sizes it
 * leads to. Sides are in the image's displayed orientation (EXIF applied); a null side is free.
 * Without upscale nothing is enlarged: cover then crops to the box where the image is large enough
 * and keeps the image's own side where it is not; contain always pads to the whole box.
 */
record Box(Integer width, Integer height, Fit fit, boolean upscale) {

    static Box of(ConversionSpec spec) {
        Integer bw = spec.width();
        Integer bh = spec.height();
        if (spec.output() == ImageFormat.ICO) {
            if (spec.fit() == Fit.INSIDE) {
                bw = bw == null ? Steps.ICO_MAX : Math.min(bw, Steps.ICO_MAX);
                bh = bh == null ? Steps.ICO_MAX : Math.min(bh, Steps.ICO_MAX);
            } else if (Math.max(bw, bh) > Steps.ICO_MAX) {
                // the box's own proportions are the result's: scale the box, do not clip one side
                double s = (double) Steps.ICO_MAX / Math.max(bw, bh);
                bw = Math.max(1, (int) Math.round(bw * s));
                bh = Math.max(1, (int) Math.round(bh * s));
            }
        }
        boolean given = spec.width() != null || spec.height() != null;
        return new Box(bw, bh, spec.fit(), spec.upscale() && given);
    }

    boolean constrains() {
        return width != null || height != null;
    }

    /**
     * The box libvips' thumbnail shrinks to (free sides at {@link Vips#MAX_COORD}). For cover only
     * the side that decides the fill scale is bound, so the other comes out at least as long as the
     * box (libvips' own crop would cut the frames of an animation as one tall image).
     */
    int[] thumbnail(int w, int h) {
        int bw = width == null ? Vips.MAX_COORD : width;
        int bh = height == null ? Vips.MAX_COORD : height;
        if (fit == Fit.COVER) {
            return (long) bh * w >= (long) bw * h ? new int[] {Vips.MAX_COORD, bh} : new int[] {bw, Vips.MAX_COORD};
        }
        return new int[] {bw, bh};
    }

    int thumbnailSize() {
        return upscale ? Vips.SIZE_BOTH : Vips.SIZE_DOWN;
    }

    /** The size of a w×h image after the load step (an estimate: libvips rounds on its own). */
    int[] loaded(int w, int h) {
        if (fit == Fit.COVER) {
            double s = Math.max((double) width / w, (double) height / h);
            if (!upscale) {
                s = Math.min(s, 1.0);
            }
            return new int[] {Math.max(1, (int) Math.round(w * s)), Math.max(1, (int) Math.round(h * s))};
        }
        return Steps.fit(w, h, width, height, upscale);
    }

    /** The size of the result. */
    int[] output(int w, int h) {
        int[] loaded = loaded(w, h);
        return switch (fit) {
            case INSIDE -> loaded;
            case COVER -> new int[] {Math.min(width, loaded[0]), Math.min(height, loaded[1])};
            case CONTAIN -> new int[] {width, height};
        };
    }
}
