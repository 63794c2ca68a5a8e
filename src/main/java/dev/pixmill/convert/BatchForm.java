package dev.pixmill.convert;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.util.List;

/** The multipart form of {@code POST /api/v1/convert/batch}: repeated {@code files} and the convert parameters. */
public class BatchForm extends ConvertFormFields {

    @RestForm("files")
    @Schema(type = SchemaType.ARRAY, implementation = String.class, format = "binary", required = true,
            description = "The images, 1-50 parts named 'files'")
    public List<FileUpload> files;
}
