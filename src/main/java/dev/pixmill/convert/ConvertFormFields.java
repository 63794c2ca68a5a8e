package dev.pixmill.convert;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.resteasy.reactive.RestForm;

/** The conversion parameters as multipart fields, shared by the single and the batch upload forms. */
public abstract class ConvertFormFields implements ConvertParameters {

    @RestForm("output_format")
    @Schema(name = "output_format", description = OUTPUT_FORMAT)
    public String outputFormat;

    @RestForm("quality")
    @Schema(name = "quality", type = SchemaType.INTEGER, description = QUALITY)
    public String quality;

    @RestForm("width")
    @Schema(name = "width", type = SchemaType.INTEGER, description = WIDTH)
    public String width;

    @RestForm("height")
    @Schema(name = "height", type = SchemaType.INTEGER, description = HEIGHT)
    public String height;

    @RestForm("optimize_for")
    @Schema(name = "optimize_for", description = OPTIMIZE_FOR)
    public String optimizeFor;

    @RestForm("keep_metadata")
    @Schema(name = "keep_metadata", type = SchemaType.BOOLEAN, description = KEEP_METADATA)
    public String keepMetadata;

    @RestForm("smart_quality")
    @Schema(name = "smart_quality", enumeration = { "low", "medium", "high" }, description = SMART_QUALITY)
    public String smartQuality;

    @RestForm("target_kb")
    @Schema(name = "target_kb", type = SchemaType.INTEGER, description = TARGET_KB)
    public String targetKb;

    @RestForm("webhook_url")
    @Schema(name = "webhook_url", description = WEBHOOK_URL)
    public String webhookUrl;

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
        return optimizeFor;
    }

    @Override
    public String keepMetadata() {
        return keepMetadata;
    }

    @Override
    public String smartQuality() {
        return smartQuality;
    }

    @Override
    public String targetKb() {
        return targetKb;
    }

    @Override
    public String webhookUrl() {
        return webhookUrl;
    }
}
