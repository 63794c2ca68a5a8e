package dev.pixmill.convert;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** The multipart form of {@code POST /api/v1/compress}: the conversion's fields without a box or preset. */
public class CompressForm implements ConvertParameters {

    @RestForm("file")
    @Schema(type = SchemaType.STRING, format = "binary", required = true, description = "The image")
    public FileUpload file;

    @RestForm("output_format")
    @Schema(name = "output_format", description = "Default: the input's format (SVG and PDF inputs give png)")
    public String outputFormat;

    @RestForm("quality")
    @Schema(name = "quality", type = SchemaType.INTEGER, description = "1-100: this encoder quality, but never "
            + "larger than the original in the same format; default: smart_quality medium")
    public String quality;

    @RestForm("smart_quality")
    @Schema(name = "smart_quality", enumeration = { "low", "medium", "high" }, description = SMART_QUALITY)
    public String smartQuality;

    @RestForm("target_kb")
    @Schema(name = "target_kb", type = SchemaType.INTEGER, description = TARGET_KB)
    public String targetKb;

    @RestForm("keep_metadata")
    @Schema(name = "keep_metadata", type = SchemaType.BOOLEAN, description = KEEP_METADATA)
    public String keepMetadata;

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
        return null;
    }

    @Override
    public String height() {
        return null;
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
