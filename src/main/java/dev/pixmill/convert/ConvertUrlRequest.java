package dev.pixmill.convert;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The JSON body of {@code POST /api/v1/convert/url}. Numbers and booleans may come as JSON
 * numbers/booleans or as strings; they are validated with the multipart rules.
 */
public record ConvertUrlRequest(
        @Schema(required = true, description = "http or https URL of the image (at most 20 MB, 30 s, 3 redirects)")
        String url,
        @JsonProperty("output_format") @Schema(description = OUTPUT_FORMAT) String outputFormat,
        @Schema(type = SchemaType.INTEGER, description = QUALITY) String quality,
        @Schema(type = SchemaType.INTEGER, description = WIDTH) String width,
        @Schema(type = SchemaType.INTEGER, description = HEIGHT) String height,
        @JsonProperty("optimize_for") @Schema(description = OPTIMIZE_FOR) String optimizeFor,
        @JsonProperty("keep_metadata") @Schema(type = SchemaType.BOOLEAN, description = KEEP_METADATA) String keepMetadata,
        @JsonProperty("smart_quality") @Schema(description = SMART_QUALITY) String smartQuality,
        @JsonProperty("target_kb") @Schema(type = SchemaType.INTEGER, description = TARGET_KB) String targetKb,
        @JsonProperty("webhook_url") @Schema(description = WEBHOOK_URL) String webhookUrl) implements ConvertParameters {
}
