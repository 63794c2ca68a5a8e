package dev.pixmill.security;

import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.pixmill.support.Conversions.awaitEnd;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

/** Keys: created by the operator, stored hashed, accepted in every documented form; owners are isolated. */
@QuarkusTest
class ApiKeysTest {

    private static final String OPERATOR = "Bearer test-operator-token";

    @Inject
    Pool pool;

    @Test
    void keysAreShownOnceAndStoredHashed() {
        JsonPath created = createKey("ci");
        String key = created.getString("key");
        assertThat(key).matches("kp_[0-9A-Za-z]{32}");
        assertThat(created.getString("prefix")).isEqualTo(key.substring(0, 7));
        assertThat(created.getString("plan")).isEqualTo("free");

        given().header("Authorization", OPERATOR).get("/api/admin/keys").then().statusCode(200)
                .body("find { it.id == '" + created.getString("id") + "' }", not(hasKey("key")));
        String stored = pool.preparedQuery("select key_hash from api_keys where id = $1")
                .execute(Tuple.of(java.util.UUID.fromString(created.getString("id"))))
                .await().indefinitely().iterator().next().getString("key_hash");
        assertThat(stored).isEqualTo(Tokens.sha256(key)).doesNotContain(key);
    }

    @Test
    void adminApiNeedsTheOperatorToken() {
        given().get("/api/admin/keys").then().statusCode(401).body("error", equalTo("invalid_operator_token"));
        given().header("Authorization", "Bearer wrong").get("/api/admin/keys").then().statusCode(401);
        // refused before the body is even read
        given().contentType("application/json").body("{broken").post("/api/admin/keys")
                .then().statusCode(401).body("error", equalTo("invalid_operator_token"));
        given().header("Authorization", OPERATOR).contentType("application/json").body(Map.of("plan", "gold"))
                .post("/api/admin/keys").then().statusCode(400).body("error", equalTo("invalid_parameter"));
    }

    @Test
    void everyKeyFormIsAcceptedAndOwnersAreIsolated() {
        String alice = createKey("alice").getString("key");
        String bob = createKey("bob").getString("key");
        String id = given().header("X-API-KEY", alice).multiPart("file", "a.png", TestImages.png(64, 64), "image/png")
                .post("/api/v1/convert").then().statusCode(202).extract().path("id");
        assertThat(awaitEnd(id, Map.of("Authorization", "Bearer " + alice)).getString("status")).isEqualTo("completed");

        given().header("x-api-key", alice).get("/api/v1/convert/{id}/status", id).then().statusCode(200);
        given().queryParam("api_key", alice).get("/api/v1/convert/{id}/status", id).then().statusCode(200);
        given().header("Authorization", "Bearer " + bob).get("/api/v1/convert/{id}/status", id).then().statusCode(404);
        given().get("/api/v1/convert/{id}/status", id).then().statusCode(404); // anonymous is another owner
        given().header("Authorization", "Bearer " + bob).get("/api/v1/convert/{id}/events", id).then().statusCode(404);
    }

    @Test
    void invalidAndRevokedKeysAreRefused() {
        given().header("X-API-Key", "kp_" + "x".repeat(32)).get("/api/v1/convert/{id}/status", java.util.UUID.randomUUID())
                .then().statusCode(401).body("error", equalTo("invalid_api_key"));
        given().header("X-API-Key", "garbage").multiPart("file", "a.png", TestImages.png(8, 8), "image/png")
                .post("/api/v1/convert").then().statusCode(401);

        JsonPath created = createKey("leaver");
        given().header("Authorization", OPERATOR).delete("/api/admin/keys/{id}", created.getString("id"))
                .then().statusCode(204);
        given().header("X-API-Key", created.getString("key")).multiPart("file", "a.png", TestImages.png(8, 8), "image/png")
                .post("/api/v1/convert").then().statusCode(401);
        given().header("Authorization", OPERATOR).get("/api/admin/keys").then()
                .body("find { it.id == '" + created.getString("id") + "' }.revoked_at", matchesPattern("\\d{4}-.*"));
    }

    private static JsonPath createKey(String name) {
        return given().header("Authorization", OPERATOR).contentType("application/json")
                .body(Map.of("name", name, "plan", "free")).post("/api/admin/keys")
                .then().statusCode(201).extract().jsonPath();
    }
}
