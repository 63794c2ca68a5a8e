package dev.pixmill.support;

import io.restassured.response.Response;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Test steps of the image-generation dialect. */
public final class Generation {

    public static final String PATH = "/api/image-generation/";

    private Generation() {
    }

    /** A new API key of {@code plan}, made through the admin API; {@code limits} may be null. */
    public static String createKey(String name, String plan, Map<String, Object> limits) {
        Map<String, Object> body = limits == null ? Map.of("name", name, "plan", plan)
                : Map.of("name", name, "plan", plan, "limits", limits);
        return given().header("Authorization", "Bearer test-operator-token").contentType("application/json")
                .body(body).post("/api/admin/keys").then().statusCode(201).extract().path("key");
    }

    public static String createKey(String name) {
        return createKey(name, "free", null);
    }

    /** POSTs {@code body} (a map, or a JSON text) with the key as a Bearer token. */
    public static Response generate(String key, Object body) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json").body(body).post(PATH);
    }

    /** The answer's urls, asking for 200. */
    public static List<String> urls(String key, Object body) {
        return generate(key, body).then().statusCode(200).extract().jsonPath().getList("url", String.class);
    }

    /** The path and query of an absolute URL of this service (RestAssured adds its own host). */
    public static String local(String url) {
        URI uri = URI.create(url);
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** GETs an image URL as a browser's img element would: no key, an image Accept header. */
    public static Response fetch(String url) {
        return given().header("Accept", "image/avif,image/webp,image/*,*/*;q=0.8").get(local(url));
    }

    public static BufferedImage decode(byte[] jpeg) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
            if (image == null) {
                throw new IllegalStateException("not an image");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The image id of an image URL. */
    public static String idOf(String url) {
        String path = URI.create(url).getPath();
        return path.substring(path.lastIndexOf('/') + 1, path.length() - ".jpg".length());
    }
}
