package dev.pixmill.support;

import io.restassured.path.json.JsonPath;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.fail;

/** Test steps around webhooks: keys with their secrets, a key's delivery listing. */
public final class Webhooks {

    public static final String OPERATOR = "Bearer test-operator-token";

    private Webhooks() {
    }

    /** A new key as the admin API answers it: id, key, webhook_secret. */
    public static JsonPath createKey(String name) {
        return given().header("Authorization", OPERATOR).contentType("application/json")
                .body(Map.of("name", name)).post("/api/admin/keys")
                .then().statusCode(201).extract().jsonPath();
    }

    public static List<Map<String, Object>> deliveries(String key) {
        return given().header("Authorization", "Bearer " + key).get("/api/v1/webhooks/deliveries")
                .then().statusCode(200).extract().jsonPath().getList("deliveries");
    }

    /** Waits until the key's delivery about {@code subject} satisfies {@code done}, and returns it. */
    public static Map<String, Object> awaitDelivery(String key, String subject, Predicate<Map<String, Object>> done,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> last = null;
        while (System.nanoTime() < deadline) {
            last = deliveries(key).stream().filter(d -> subject.equals(d.get("subject_id"))).findFirst().orElse(null);
            if (last != null && done.test(last)) {
                return last;
            }
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return fail("the delivery about " + subject + " did not get there within " + timeout + "; last seen: " + last);
    }
}
