package dev.pixmill.accounts;

import dev.pixmill.support.Accounts;
import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.pixmill.support.Accounts.OPERATOR;
import static dev.pixmill.support.Tasks.PATH;
import static dev.pixmill.support.Tasks.upload;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/** The operator's key administration with credits, and a key's own view of its account. */
@QuarkusTest
class AdminAccountsTest {

    @Test
    void aKeyIsCreatedWithPlanLimitsAndCreditsAndShownWithItsLedgerAndUsage() {
        JsonPath created = given().header("Authorization", OPERATOR).contentType("application/json")
                .body(Map.of("name", "studio", "plan", "professional", "credits", 250,
                        "limits", Map.of("optimize_max_bytes", 4_000_000)))
                .post("/api/admin/keys").then().statusCode(201).extract().jsonPath();
        String id = created.getString("id");
        assertThat(created.getString("plan")).isEqualTo("professional");
        assertThat(created.getLong("credits")).isEqualTo(250);
        assertThat(created.getString("key")).startsWith("kp_");

        JsonPath shown = Accounts.show(id);
        assertThat(shown.getString("name")).isEqualTo("studio");
        assertThat(shown.getString("plan")).isEqualTo("professional");
        assertThat(shown.getInt("limits.optimize_max_bytes")).isEqualTo(4_000_000);
        assertThat(shown.getLong("credits")).isEqualTo(250);
        assertThat(shown.getMap("")).doesNotContainKeys("key", "webhook_secret");
        assertThat(shown.getList("ledger.kind")).containsExactly("grant");
        assertThat(shown.getLong("ledger[0].amount")).isEqualTo(250);
        assertThat(shown.getString("ledger[0].reason")).isEqualTo("initial credits, given at creation");
        // usage comes from the rate-limit counters: nothing yet, then one call of two images
        assertThat(shown.getMap("usage")).containsKeys("requests_today", "conversions_today", "counted_by");
        assertThat(shown.getInt("usage.requests_today")).isZero();
        assertThat(shown.getString("usage.counted_by")).startsWith("rate_counters");
        given().header("X-API-Key", created.getString("key"))
                .multiPart("files", "a.png", dev.pixmill.support.TestImages.png(16, 16), "image/png")
                .multiPart("files", "b.png", dev.pixmill.support.TestImages.png(16, 16), "image/png")
                .post("/api/v1/convert/batch").then().statusCode(202);
        JsonPath used = Accounts.show(id);
        assertThat(used.getInt("usage.requests_today")).isEqualTo(1);
        assertThat(used.getInt("usage.conversions_today")).isEqualTo(2);

        given().header("Authorization", OPERATOR).get("/api/admin/keys").then().statusCode(200)
                .body("find { it.id == '" + id + "' }.credits", equalTo(250))
                .body("find { it.id == '" + id + "' }", not(hasKey("ledger")));
    }

    @Test
    void withoutCreditsAKeyStartsWithItsPlansConfiguredCredits() {
        // the test profile gives every plan 1000000 (application.properties), so that other tests' keys never run out
        JsonPath free = given().header("Authorization", OPERATOR).contentType("application/json")
                .body(Map.of("name", "default")).post("/api/admin/keys").then().statusCode(201).extract().jsonPath();
        assertThat(free.getString("plan")).isEqualTo("free");
        assertThat(free.getLong("credits")).isEqualTo(1_000_000);
        assertThat(Accounts.show(free.getString("id")).getString("ledger[0].reason"))
                .isEqualTo("initial credits of the free plan");

        given().header("Authorization", OPERATOR).contentType("application/json")
                .body(Map.of("name", "bad", "credits", -1)).post("/api/admin/keys")
                .then().statusCode(400).body("error", equalTo("invalid_parameter"))
                .body("message", containsString("credits"));
        given().header("Authorization", OPERATOR).contentType("application/json")
                .body("{\"name\": \"bad\", \"credits\": 1.5}").post("/api/admin/keys").then().statusCode(400);
        given().header("Authorization", OPERATOR).contentType("application/json")
                .body("{\"name\": \"bad\", \"credits\": \"10\"}").post("/api/admin/keys").then().statusCode(400);
    }

    @Test
    void theOperatorTopsUpWithAReason() {
        String id = Accounts.createKey("topped", "free", 2).getString("id");
        JsonPath topUp = given().header("Authorization", OPERATOR).contentType("application/json")
                .body(Map.of("amount", 40, "reason", "order 1234")).post("/api/admin/keys/{id}/credits", id)
                .then().statusCode(200).extract().jsonPath();
        assertThat(topUp.getString("key_id")).isEqualTo(id);
        assertThat(topUp.getLong("credits")).isEqualTo(42);
        assertThat(topUp.getString("entry.kind")).isEqualTo("top_up");
        assertThat(topUp.getLong("entry.amount")).isEqualTo(40);
        assertThat(topUp.getString("entry.reason")).isEqualTo("order 1234");
        assertThat(Accounts.balance(id)).isEqualTo(42);
        assertThat(Accounts.ledger(id)).extracting(e -> e.get("kind")).containsExactly("top_up", "grant");

        for (Object body : List.of(Map.of("amount", 0, "reason", "r"), Map.of("amount", 5),
                Map.of("amount", 5, "reason", " "), Map.of("reason", "no amount"), Map.of("amount", "5", "reason", "r"),
                Map.of("amount", 2_000_000_000L, "reason", "r"))) {
            given().header("Authorization", OPERATOR).contentType("application/json").body(body)
                    .post("/api/admin/keys/{id}/credits", id).then().statusCode(400)
                    .body("error", equalTo("invalid_parameter"));
        }
        assertThat(Accounts.balance(id)).isEqualTo(42);
        given().header("Authorization", OPERATOR).contentType("application/json")
                .body(Map.of("amount", 1, "reason", "r")).post("/api/admin/keys/{id}/credits", java.util.UUID.randomUUID())
                .then().statusCode(404);
        given().contentType("application/json").body(Map.of("amount", 1, "reason", "r"))
                .post("/api/admin/keys/{id}/credits", id).then().statusCode(401);
    }

    @Test
    void planNameAndLimitsChangeCreditsStay() {
        String id = Accounts.createKey("grows", "free", 7).getString("id");
        given().header("Authorization", OPERATOR).contentType("application/json")
                .body(Map.of("plan", "professional", "limits", Map.of("disabled_apis", List.of("optimize"))))
                .patch("/api/admin/keys/{id}", id).then().statusCode(200)
                .body("plan", equalTo("professional")).body("limits.disabled_apis", equalTo(List.of("optimize")))
                .body("name", equalTo("grows")).body("credits", equalTo(7));
        given().header("Authorization", OPERATOR).contentType("application/json").body(Map.of("name", "renamed"))
                .patch("/api/admin/keys/{id}", id).then().statusCode(200)
                .body("name", equalTo("renamed")).body("plan", equalTo("professional"))
                .body("limits.disabled_apis", equalTo(List.of("optimize")));
        given().header("Authorization", OPERATOR).contentType("application/json").body("{\"limits\": null}")
                .patch("/api/admin/keys/{id}", id).then().statusCode(200).body("limits", equalTo(Map.of()));

        given().header("Authorization", OPERATOR).contentType("application/json").body(Map.of("plan", "gold"))
                .patch("/api/admin/keys/{id}", id).then().statusCode(400).body("error", equalTo("invalid_parameter"));
        given().header("Authorization", OPERATOR).contentType("application/json")
                .body(Map.of("limits", Map.of("no_such_limit", 1))).patch("/api/admin/keys/{id}", id)
                .then().statusCode(400);
        given().header("Authorization", OPERATOR).contentType("application/json").body(Map.of("credits", 5))
                .patch("/api/admin/keys/{id}", id).then().statusCode(400)
                .body("message", containsString("credits cannot be changed"));
        given().header("Authorization", OPERATOR).contentType("application/json").body(Map.of("plan", "free"))
                .patch("/api/admin/keys/{id}", java.util.UUID.randomUUID()).then().statusCode(404);
        assertThat(Accounts.show(id).getString("plan")).isEqualTo("professional");
    }

    @Test
    void aRevokedKeyKeepsItsLedgerButNothingChangesIt() {
        JsonPath created = Accounts.createKey("leaving", "free", 3);
        String id = created.getString("id");
        given().header("Authorization", OPERATOR).delete("/api/admin/keys/{id}", id).then().statusCode(204);
        given().header("Authorization", OPERATOR).delete("/api/admin/keys/{id}", id).then().statusCode(204);

        JsonPath shown = Accounts.show(id);
        assertThat(shown.getString("revoked_at")).isNotNull();
        assertThat(shown.getLong("credits")).isEqualTo(3);
        given().header("Authorization", OPERATOR).contentType("application/json")
                .body(Map.of("amount", 1, "reason", "r")).post("/api/admin/keys/{id}/credits", id)
                .then().statusCode(409).body("error", equalTo("key_revoked"));
        given().header("Authorization", OPERATOR).contentType("application/json").body(Map.of("plan", "professional"))
                .patch("/api/admin/keys/{id}", id).then().statusCode(409).body("error", equalTo("key_revoked"));
        given().header("X-API-Key", created.getString("key")).get("/api/v1/account").then().statusCode(401);
        given().header("Authorization", OPERATOR).get("/api/admin/keys/{id}", java.util.UUID.randomUUID())
                .then().statusCode(404).body("error", equalTo("not_found"));
    }

    @Test
    void aKeyReadsItsOwnBalanceAndLedger() {
        JsonPath created = Accounts.createKey("self", "free", 4);
        String key = created.getString("key");
        String task = upload(key, "a.png", TestImages.png(32, 32), "image/png").multiPart("sync", "1").post(PATH)
                .then().statusCode(200).extract().path("data.task_id");

        for (var request : List.of(given().header("Authorization", "Bearer " + key), given().header("X-API-Key", key),
                given().queryParam("api_key", key))) {
            request.get("/api/v1/account").then().statusCode(200)
                    .body("key_id", equalTo(created.getString("id"))).body("plan", equalTo("free"))
                    .body("credits", equalTo(3)).body("prefix", equalTo(created.getString("prefix")))
                    .body("ledger.kind", equalTo(List.of("charge", "grant")))
                    .body("ledger[0].subject_id", equalTo(task)).body("ledger[0].amount", equalTo(-1))
                    .body("$", not(hasKey("key")));
        }
        JsonPath page = given().header("X-API-Key", key).queryParam("limit", 1).get("/api/v1/account/ledger")
                .then().statusCode(200).extract().jsonPath();
        assertThat(page.getList("entries.kind")).containsExactly("charge");
        long next = page.getLong("next_before");
        given().header("X-API-Key", key).queryParam("limit", 1).queryParam("before", next).get("/api/v1/account/ledger")
                .then().statusCode(200).body("entries.kind", equalTo(List.of("grant")));
        given().header("X-API-Key", key).queryParam("limit", 10).queryParam("before", next).get("/api/v1/account/ledger")
                .then().statusCode(200).body("next_before", nullValue());
        given().header("X-API-Key", key).queryParam("limit", 0).get("/api/v1/account/ledger").then().statusCode(400);

        given().get("/api/v1/account").then().statusCode(401).body("error", equalTo("missing_api_key"));
        given().header("X-API-Key", "kp_" + "0".repeat(32)).get("/api/v1/account").then().statusCode(401)
                .body("error", equalTo("invalid_api_key"));
    }

    @Test
    void theOpenApiDocumentDescribesCredits() {
        JsonPath api = given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        assertThat(api.getMap("paths.'/api/admin/keys/{id}'")).containsKeys("get", "patch", "delete");
        assertThat(api.getMap("paths.'/api/admin/keys/{id}/credits'")).containsKeys("post");
        assertThat(api.getMap("paths.'/api/admin/keys/{id}/ledger'")).containsKeys("get");
        assertThat(api.getMap("paths.'/api/v1/account'")).containsKeys("get");
        assertThat(api.getMap("paths.'/api/v1/account/ledger'")).containsKeys("get");
        assertThat(api.getMap("paths.'" + PATH + "'.post.responses")).containsKey("402");
    }
}
