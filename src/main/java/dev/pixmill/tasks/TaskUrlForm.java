package dev.pixmill.tasks;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.resteasy.reactive.RestForm;

/**
 * The URL-encoded form of {@code POST /api/tasks/visual/imgcompress}: such a body cannot carry a
 * file, so the image comes from {@code image_url}; an {@code image_file} field is refused.
 */
public class TaskUrlForm implements TaskFields {

    @RestForm("image_file")
    @Schema(name = "image_file", hidden = true)
    public String imageFile;

    @RestForm("image_url")
    @Schema(name = "image_url", description = IMAGE_URL)
    public String imageUrl;

    @RestForm("sync")
    @Schema(name = "sync", type = SchemaType.INTEGER, description = SYNC)
    public String sync;

    @RestForm("format")
    @Schema(name = "format", description = FORMAT)
    public String format;

    @RestForm("return_type")
    @Schema(name = "return_type", type = SchemaType.INTEGER, description = RETURN_TYPE)
    public String returnType;

    @RestForm("quality")
    @Schema(name = "quality", type = SchemaType.INTEGER, description = QUALITY)
    public String quality;

    @RestForm("kbyte")
    @Schema(name = "kbyte", type = SchemaType.INTEGER, description = KBYTE)
    public String kbyte;

    @RestForm("width")
    @Schema(name = "width", type = SchemaType.INTEGER, description = WIDTH)
    public String width;

    @RestForm("height")
    @Schema(name = "height", type = SchemaType.INTEGER, description = HEIGHT)
    public String height;

    @Override
    public String imageUrl() {
        return imageUrl;
    }

    @Override
    public String sync() {
        return sync;
    }

    @Override
    public String format() {
        return format;
    }

    @Override
    public String returnType() {
        return returnType;
    }

    @Override
    public String quality() {
        return quality;
    }

    @Override
    public String kbyte() {
        return kbyte;
    }

    @Override
    public String width() {
        return width;
    }

    @Override
    public String height() {
        return height;
    }
}
