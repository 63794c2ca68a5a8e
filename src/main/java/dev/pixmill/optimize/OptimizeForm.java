package dev.pixmill.optimize;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** The multipart form of {@code POST /api/v1/optimize}. */
public class OptimizeForm {

    @RestForm("image")
    @Schema(type = SchemaType.STRING, format = "binary", required = true,
            description = "The image: JPEG, PNG, WebP, GIF, AVIF, BMP, TIFF or SVG. At most 2 MB and 2000x2000 "
                    + "pixels unless the key's limits raise them; SVG is exempt from the pixel limit")
    public FileUpload image;

    @RestForm("output_format")
    @Schema(name = "output_format", enumeration = { "jpg", "jpeg", "png", "webp", "gif", "avif" },
            description = "Omitted: the input's format (BMP, TIFF and SVG inputs give png)")
    public String outputFormat;

    @RestForm("ratio")
    @Schema(description = "WIDTHxHEIGHT box, e.g. 800x600: fit inside, keep the aspect ratio, never upscale")
    public String ratio;

    @RestForm("quality")
    @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "10", defaultValue = "10",
            description = "Compression level. 1 = lossless re-encoding only (decodes to identical pixels); "
                    + "10 = every lossy pass. A higher level never gives a larger file")
    public String quality;

    @RestForm("response")
    @Schema(description = "'json' for the JSON answer with a single-use download_url; otherwise the image itself")
    public String response;

    @RestForm("api_key")
    @Schema(name = "api_key", description = "The API key, if not sent as X-API-Key, Bearer or ?api_key=")
    public String apiKey;
}
