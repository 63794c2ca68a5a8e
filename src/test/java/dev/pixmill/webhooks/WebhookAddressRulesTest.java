package dev.pixmill.webhooks;

import dev.pixmill.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.pixmill.support.Conversions.awaitEnd;
import static dev.pixmill.support.Webhooks.createKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The production rules for webhook targets: https only, and the address rules of URL fetching with
 * private addresses refused, at submission and again at every try.
 */
@QuarkusTest
@TestProfile(WebhookAddressRulesTest.Production.class)
class WebhookAddressRulesTest {

    public static class Production implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pixmill.fetch.allow-private", "false", "pixmill.webhooks.allow-http", "false",
                    "pixmill.webhooks.timeout", "1s", "pixmill.webhooks.poll-interval", "1h");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    Pool pool;

    @Inject
    WebhookSender sender;

    @Test
    void privateAndPlainHttpTargetsAreRefusedAtSubmission() {
        String key = createKey("rules").getString("key");
        int port = base.getPort();
        for (String url : new String[] { "https://127.0.0.1:" + port + "/hook", "https://localhost:" + port + "/hook",
                "https://[::1]:" + port + "/", "https://10.0.0.1/hook", "https://192.168.1.1/hook",
                "https://[::ffff:127.0.0.1]/", "https://100.64.0.1/" }) {
            upload(key, url).then().statusCode(400).body("error", equalTo("url_not_allowed"))
                    .body("message", containsString("webhook_url"));
        }
        upload(key, "http://127.0.0.1:" + port + "/hook").then().statusCode(400)
                .body("error", equalTo("invalid_parameter")).body("message", containsString("https"));
    }

    @Test
    void aTargetThatTurnedPrivateIsRefusedAtTheTry() throws Exception {
        JsonPath created = createKey("rules-try");
        String key = created.getString("key");
        String subject = given().header("X-API-Key", key).multiPart("file", "a.png", TestImages.png(8, 8), "image/png")
                .post("/api/v1/convert").then().statusCode(202).extract().path("id");
        awaitEnd(subject, Map.of("X-API-Key", key));
        UUID keyId = UUID.fromString(created.getString("id"));
        // accepted when submitted (say its name was public then), private or plain http now
        String rebound = insert(subject, keyId, "https://localhost:" + base.getPort() + "/hook");
        String plain = insert(subject, keyId, "http://127.0.0.1:" + base.getPort() + "/hook");

        sender.sendDue("test", 10).await().atMost(Duration.ofSeconds(30));
        Row a = row(rebound);
        assertThat(a.getInteger("attempts")).isEqualTo(1);
        assertThat(a.getString("state")).isEqualTo("pending"); // a failed try, tried again later
        assertThat(a.getString("last_error"))
                .isEqualTo("refused: the webhook URL resolves to a private, local or reserved network address");
        assertThat(a.getInteger("last_status_code")).isNull();
        assertThat(row(plain).getString("last_error")).isEqualTo("refused: only https webhook URLs are allowed");
        pool.preparedQuery("update webhook_deliveries set state = 'failed', next_attempt_at = null where id = any($1)")
                .execute(Tuple.of((Object) new String[] { rebound, plain })).await().indefinitely();
    }

    private static io.restassured.response.Response upload(String key, String webhookUrl) {
        return given().header("X-API-Key", key).multiPart("file", "a.png", TestImages.png(8, 8), "image/png")
                .multiPart("webhook_url", webhookUrl).post("/api/v1/convert");
    }

    private String insert(String subject, UUID keyId, String url) {
        String id = "msg_rules" + UUID.randomUUID().toString().replace("-", "");
        pool.preparedQuery("""
                        insert into webhook_deliveries (id, type, subject_id, owner, key_id, url)
                        values ($1, 'conversion.completed', $2, $3, $4, $5)""")
                .execute(Tuple.of(id, UUID.fromString(subject), "key:" + keyId, keyId, url)).await().indefinitely();
        return id;
    }

    private Row row(String id) {
        return pool.preparedQuery("select * from webhook_deliveries where id = $1").execute(Tuple.of(id))
                .await().indefinitely().iterator().next();
    }
}
