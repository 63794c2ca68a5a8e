package dev.pixmill.tasks;

import java.util.HashMap;
import java.util.Map;

/**
 * The text fields of a compression task, as multipart and URL-encoded forms both carry them.
 * Values stay text so that {@link TaskRequest#parse} names the field it refuses; the constants
 * are the OpenAPI descriptions both forms share.
 */
public interface TaskFields {

    String IMAGE_URL = "URL of the image (http or https); exactly one of image_url and image_file";
    String SYNC = "0 (default): answer at once with a task_id; 1: wait for the result (about 50 s at most)";
    String FORMAT = "jpg (jpeg), png or webp; default: the input format if it is one of these, else png for "
            + "an input with alpha, else jpg";
    String RETURN_TYPE = "1 (default): image is an absolute URL, valid 1 hour; 2: image is the result in base64";
    String QUALITY = "1-100; not together with kbyte; default: a perceptual (SSIM) medium quality";
    String KBYTE = "Target size in KB, 0-51200 (0 = no target); not together with quality; not for png output";
    String WIDTH = "0-8000 (0 = not given); alone it keeps the aspect ratio; with height a box to fit in; never upscales";
    String HEIGHT = "0-8000 (0 = not given); alone it keeps the aspect ratio; with width a box to fit in; never upscales";

    String imageUrl();

    String sync();

    String format();

    String returnType();

    String quality();

    String kbyte();

    String width();

    String height();

    /** The fields by their API names, absent ones left out. */
    default Map<String, String> asMap() {
        Map<String, String> p = new HashMap<>();
        put(p, "image_url", imageUrl());
        put(p, "sync", sync());
        put(p, "format", format());
        put(p, "return_type", returnType());
        put(p, "quality", quality());
        put(p, "kbyte", kbyte());
        put(p, "width", width());
        put(p, "height", height());
        return p;
    }

    private static void put(Map<String, String> p, String name, String value) {
        if (value != null) {
            p.put(name, value);
        }
    }
}
