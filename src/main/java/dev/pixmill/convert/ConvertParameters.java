package dev.pixmill.convert;

import java.util.HashMap;
import java.util.Map;

/**
 * The conversion parameters, as multipart fields and JSON members alike. Values stay text here so
 * that {@link ConvertOptions#parse} refuses a bad one with a message naming it; the constants are
 * the OpenAPI descriptions both request forms share.
 */
public interface ConvertParameters {

    String OUTPUT_FORMAT = "Output format: jpg (jpeg), png, webp, avif, gif, ico, bmp, tiff (tif), pdf, heic, svg."
            + " Default jpg";
    String QUALITY = "1-100, default 85; mapped onto each encoder's own scale; lossless formats ignore it";
    String WIDTH = "Box width in pixels; alone it keeps the aspect ratio; never upscales";
    String HEIGHT = "Box height in pixels; alone it keeps the aspect ratio; never upscales";
    String OPTIMIZE_FOR = "Platform preset (GET /api/v1/presets): sets the box and a suitable quality";
    String KEEP_METADATA = "true keeps EXIF/ICC where the format can hold them; default false (stripped)";
    String SMART_QUALITY = "low, medium or high: the smallest file whose perceptual quality (SSIM) looks like a q65, "
            + "q80 or q90 encode of this image; overrides quality";
    String TARGET_KB = "Target size in KB, 1-51200: the highest quality not larger than this, scaled down if needed; "
            + "lossy outputs only (jpg, webp, avif, heic); not with quality or smart_quality";
    String WEBHOOK_URL = "https URL POSTed a signed conversion.completed or conversion.failed event (for a batch: "
            + "job.completed or job.failed) when it ends (Standard Webhooks headers, the key's webhook secret); API keys only";

    String outputFormat();

    String quality();

    String width();

    String height();

    String optimizeFor();

    String keepMetadata();

    String smartQuality();

    String targetKb();

    String webhookUrl();

    /** The parameters by their API names, absent ones left out. */
    default Map<String, String> asMap() {
        Map<String, String> p = new HashMap<>();
        put(p, "output_format", outputFormat());
        put(p, "quality", quality());
        put(p, "width", width());
        put(p, "height", height());
        put(p, "optimize_for", optimizeFor());
        put(p, "keep_metadata", keepMetadata());
        put(p, "smart_quality", smartQuality());
        put(p, "target_kb", targetKb());
        put(p, "webhook_url", webhookUrl());
        return p;
    }

    private static void put(Map<String, String> p, String name, String value) {
        if (value != null) {
            p.put(name, value);
        }
    }
}
