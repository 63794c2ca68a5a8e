package dev.pixmill.convert;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.util.Map;

/** The multipart form of {@code POST /api/v1/resize}: exactly one of percent, a box or a preset. */
public class ResizeForm implements ConvertParameters {

    @RestForm("file")
    @Schema(type = SchemaType.STRING, format = "binary", required = true,
            description = "The image: JPEG, PNG, WebP, AVIF, HEIC, GIF, BMP, TIFF, ICO, SVG or PDF (first page)")
    public FileUpload file;

    @RestForm("percent")
    @Schema(name = "percent", type = SchemaType.INTEGER, minimum = "1", maximum = "1000",
            description = "1-1000: the result is this percent of each side (rounded); above 100 it enlarges. "
                    + "Not with width/height, preset or fit")
    public String percent;

    @RestForm("width")
    @Schema(name = "width", type = SchemaType.INTEGER, description = "Box width in pixels; alone it keeps the "
            + "aspect ratio. Not with percent or preset")
    public String width;

    @RestForm("height")
    @Schema(name = "height", type = SchemaType.INTEGER, description = "Box height in pixels; alone it keeps the "
            + "aspect ratio. Not with percent or preset")
    public String height;

    @RestForm("preset")
    @Schema(name = "preset", description = "A platform preset's box (GET /api/v1/presets); favicon also gives ico. "
            + "Not with percent or width/height")
    public String preset;

    @RestForm("fit")
    @Schema(name = "fit", enumeration = { "inside", "cover", "contain" }, description = "How the image meets a box: "
            + "inside (default) fits within it; cover fills it and crops the overflow, centred; contain fits within "
            + "it and pads to exactly the box, centred (transparent where the format has alpha, else white). cover "
            + "and contain need both sides (or a preset)")
    public String fit;

    @RestForm("upscale")
    @Schema(name = "upscale", type = SchemaType.BOOLEAN, description = "true allows enlarging to the box. Without it "
            + "nothing is enlarged: inside keeps a smaller image as it is, cover crops only the sides longer than the "
            + "box, contain centres the image at its own size on the whole box")
    public String upscale;

    @RestForm("output_format")
    @Schema(name = "output_format", description = "Default: the input's format (SVG and PDF inputs give png; the "
            + "favicon preset gives ico)")
    public String outputFormat;

    @RestForm("quality")
    @Schema(name = "quality", type = SchemaType.INTEGER, description = "1-100, default 85 (with a preset, the "
            + "platform quality of optimize_for); mapped onto each encoder's own scale; lossless formats ignore it")
    public String quality;

    @RestForm("keep_metadata")
    @Schema(name = "keep_metadata", type = SchemaType.BOOLEAN, description = KEEP_METADATA)
    public String keepMetadata;

    @RestForm("webhook_url")
    @Schema(name = "webhook_url", description = WEBHOOK_URL)
    public String webhookUrl;

    @Override
    public Map<String, String> asMap() {
        Map<String, String> p = ConvertParameters.super.asMap();
        if (percent != null) {
            p.put("percent", percent);
        }
        if (preset != null) {
            p.put("preset", preset);
        }
        if (fit != null) {
            p.put("fit", fit);
        }
        if (upscale != null) {
            p.put("upscale", upscale);
        }
        return p;
    }

    @Override
    public String outputFormat() {
        return outputFormat;
    }

    @Override
    public String quality() {
        return quality;
    }

    @Override
    public String width() {
        return width;
    }

    @Override
    public String height() {
        return height;
    }

    @Override
    public String optimizeFor() {
        return null;
    }

    @Override
    public String keepMetadata() {
        return keepMetadata;
    }

    @Override
    public String smartQuality() {
        return null;
    }

    @Override
    public String targetKb() {
        return null;
    }

    @Override
    public String webhookUrl() {
        return webhookUrl;
    }
}
