package dev.pixmill.engine.pipeline;

import dev.pixmill.engine.Compression;
import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.compress.Compressor;
import dev.pixmill.engine.vips.Vips;
import dev.pixmill.engine.vips.VipsException;
import dev.pixmill.error.BadRequestException;

/**
 * The encode step of a compression: the image is rendered into memory once (decode and resize
 * happen here, lazily pulled), then the {@link Compressor} encodes that copy as often as its
 * search needs. Formats without a search get the plain encode.
 */
final class Compress implements Step {

    @Override
    public String name() {
        return "compress";
    }

    @Override
    public void run(PipelineContext ctx) {
        ConversionSpec spec = ctx.spec;
        Compression compression = spec.compression();
        if (compression.kind() == Compression.Kind.TARGET_KB && !Compressor.supportsTargetSize(spec.output())) {
            throw new BadRequestException("invalid_parameter", "a target size needs a lossy output format "
                    + "(jpg, webp, avif or heic), not " + spec.output().extension());
        }
        if (!Compressor.searchable(spec.output())) {
            new Steps.Encode().run(ctx);
            return;
        }
        ctx.killOnDeadline(ctx.image());
        try {
            ctx.replaceImage(Vips.copyMemory(ctx.image()));
        } catch (VipsException e) {
            throw Steps.Encode.encodeFailure(ctx, e);
        }
        int w = Vips.width(ctx.image());
        int h = ctx.animated ? Vips.pageHeight(ctx.image()) : Vips.height(ctx.image());
        // rotated by its EXIF orientation still counts: the original displays the same way
        boolean sameSize = (w == ctx.headerWidth && h == ctx.headerHeight)
                || (w == ctx.headerHeight && h == ctx.headerWidth);
        int frames = ctx.animated ? ctx.headerPages : 1;
        boolean sameFrames = frames == ctx.headerPages;
        var source = new Compressor.Source(ctx.image(), ctx.format, ctx.input, sameSize && sameFrames,
                ctx.animated, spec.keepMetadata());
        try (Compressor compressor = new Compressor(ctx.arena, source, spec.output(), ctx::checkDeadline)) {
            Compressor.Outcome outcome = compressor.run(compression);
            ctx.output = outcome.bytes();
            ctx.outWidth = Vips.width(compressor.image());
            ctx.outHeight = ctx.animated ? Vips.pageHeight(compressor.image()) : Vips.height(compressor.image());
            ctx.report = new EngineResult.CompressionReport(outcome.pass(), outcome.ssim(), outcome.encodes(),
                    outcome.original());
        } catch (VipsException e) {
            throw Steps.Encode.encodeFailure(ctx, e);
        }
    }
}
