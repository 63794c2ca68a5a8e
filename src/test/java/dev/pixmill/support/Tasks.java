package dev.pixmill.support;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.fail;

/** Test steps of the compression-task dialect. */
public final class Tasks {

    public static final String PATH = "/api/tasks/visual/imgcompress";

    private Tasks() {
    }

    /** A new API key, made through the admin API. */
    public static String createKey(String name) {
        return given().header("Authorization", "Bearer test-operator-token").contentType("application/json")
                .body(Map.of("name", name, "plan", "free")).post("/api/admin/keys")
                .then().statusCode(201).extract().path("key");
    }

    /** A request with the key and the image as a multipart file, ready for more fields. */
    public static RequestSpecification upload(String key, String filename, byte[] image, String type) {
        return given().header("X-API-KEY", key).multiPart("image_file", filename, image, type);
    }

    /** Polls the task until it has ended (state 1 or negative); returns its data. */
    public static JsonPath awaitEnd(String key, String taskId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonPath answer = given().header("X-API-KEY", key).get(PATH + "/{id}", taskId)
                    .then().statusCode(200).extract().jsonPath();
            int state = answer.getInt("data.state");
            if (state == 1 || state < 0) {
                return answer.setRootPath("data");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return fail("task " + taskId + " did not end within 60 s");
    }
}
