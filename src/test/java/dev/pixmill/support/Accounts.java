package dev.pixmill.support;

import io.restassured.path.json.JsonPath;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Test steps of keys and their credits, through the admin API. */
public final class Accounts {

    public static final String OPERATOR = "Bearer test-operator-token";

    private Accounts() {
    }

    /** A new key of {@code plan} that starts with exactly {@code credits}; the whole create answer. */
    public static JsonPath createKey(String name, String plan, long credits) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "plan", plan, "credits", credits));
        return given().header("Authorization", OPERATOR).contentType("application/json").body(body)
                .post("/api/admin/keys").then().statusCode(201).extract().jsonPath();
    }

    /** The operator's view of a key: plan, limits, credits, the latest ledger entries, usage. */
    public static JsonPath show(String keyId) {
        return given().header("Authorization", OPERATOR).get("/api/admin/keys/{id}", keyId)
                .then().statusCode(200).extract().jsonPath();
    }

    public static long balance(String keyId) {
        return show(keyId).getLong("credits");
    }

    /** The key's ledger entries, newest first (the latest 200). */
    public static List<Map<String, Object>> ledger(String keyId) {
        return given().header("Authorization", OPERATOR).queryParam("limit", 200)
                .get("/api/admin/keys/{id}/ledger", keyId).then().statusCode(200).extract().jsonPath()
                .getList("entries");
    }
}
