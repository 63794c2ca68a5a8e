package dev.pixmill.support;

import io.restassured.path.json.JsonPath;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.fail;

/** Test steps of the conversion API. */
public final class Conversions {

    private Conversions() {
    }

    /** Polls the status until the conversion has ended, and returns the final status document. */
    public static JsonPath awaitEnd(String id, Map<String, String> headers) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonPath status = given().headers(headers).get("/api/v1/convert/{id}/status", id)
                    .then().statusCode(200).extract().jsonPath();
            String s = status.getString("status");
            if ("completed".equals(s) || "failed".equals(s)) {
                return status;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return fail("conversion " + id + " did not finish within 60 s");
    }

    public static JsonPath awaitEnd(String id) {
        return awaitEnd(id, Map.of());
    }

    public static byte[] download(JsonPath status) {
        return given().get(status.getString("download_url")).then().statusCode(200).extract().asByteArray();
    }
}
