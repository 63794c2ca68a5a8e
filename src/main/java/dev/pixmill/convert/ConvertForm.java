package dev.pixmill.convert;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** The multipart form of {@code POST /api/v1/convert}. */
public class ConvertForm extends ConvertFormFields {

    @RestForm("file")
    @Schema(type = SchemaType.STRING, format = "binary", required = true,
            description = "The image: JPEG, PNG, WebP, AVIF, HEIC, GIF, BMP, TIFF, ICO, SVG or PDF (first page)")
    public FileUpload file;
}
