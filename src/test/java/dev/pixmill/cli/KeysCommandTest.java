package dev.pixmill.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.security.Tokens;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pixmill keys ...} run as the program runs it: the real main, Quarkus in command mode,
 * against the test database; output, exit codes and what ended up in the database.
 */
@QuarkusMainTest
class KeysCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aKeyIsCreatedToppedUpChangedRotatedAndRevokedFromTheCommandLine(QuarkusMainLauncher launcher) throws Exception {
        LaunchResult created = launcher.launch("keys", "create", "--name", "from-cli", "--plan", "free",
                "--credits", "5", "--limits", "{\"optimize_max_bytes\": 3000000}", "--json");
        assertThat(created.exitCode()).as(created.getErrorOutput()).isZero();
        JsonNode key = answer(created);
        UUID id = UUID.fromString(key.get("id").asText());
        String secret = key.get("key").asText();
        assertThat(secret).matches("kp_[0-9A-Za-z]{32}");
        assertThat(key.get("webhook_secret").asText()).startsWith("whsec_");
        assertThat(key.get("credits").asLong()).isEqualTo(5);
        assertThat(key.get("limits").get("optimize_max_bytes").asLong()).isEqualTo(3_000_000);
        // stored as the service stores keys: hashed, with its balance and grant
        assertThat(query("select key_hash, plan, name from api_keys where id = ?", id))
                .containsExactly(Tokens.sha256(secret), "free", "from-cli");
        assertThat(query("select balance from credit_balances where key_id = ?", id)).containsExactly("5");

        LaunchResult topUp = launcher.launch("keys", "top-up", id.toString(), "20", "--reason", "invoice 7");
        assertThat(topUp.exitCode()).as(topUp.getErrorOutput()).isZero();
        assertThat(topUp.getOutput()).contains("added 20 credits to " + id + ": balance 25");
        assertThat(query("select kind || ' ' || amount || ' ' || balance_after || ' ' || reason from credit_ledger "
                + "where key_id = ? order by id", id)).containsExactly("grant 5 5 initial credits, given at creation",
                "top_up 20 25 invoice 7");

        LaunchResult plan = launcher.launch("keys", "set-plan", id.toString(), "professional", "--json");
        assertThat(plan.exitCode()).as(plan.getErrorOutput()).isZero();
        assertThat(answer(plan).get("plan").asText()).isEqualTo("professional");
        assertThat(launcher.launch("keys", "set-limits", id.toString(), "{}").exitCode()).isZero();
        assertThat(query("select plan || ' ' || limits from api_keys where id = ?", id))
                .containsExactly("professional {}");

        LaunchResult show = launcher.launch("keys", "show", id.toString());
        assertThat(show.exitCode()).as(show.getErrorOutput()).isZero();
        assertThat(show.getOutput()).contains("plan:            professional", "credits:         25",
                "usage today:     requests 0, conversions 0", "top_up", "invoice 7")
                .doesNotContain(secret);
        JsonNode shown = answer(launcher.launch("keys", "show", id.toString(), "--json"));
        assertThat(shown.get("ledger").size()).isEqualTo(2);
        assertThat(shown.get("usage").get("requests_today").asInt()).isZero();

        JsonNode listed = answer(launcher.launch("keys", "list", "--json"));
        assertThat(listed.isArray()).isTrue();
        assertThat(listed.findValues("id").stream().map(JsonNode::asText)).contains(id.toString());

        String before = query("select webhook_secret from api_keys where id = ?", id).getFirst();
        LaunchResult rotated = launcher.launch("keys", "rotate-secret", id.toString(), "--json");
        assertThat(rotated.exitCode()).isZero();
        String after = answer(rotated).get("webhook_secret").asText();
        assertThat(after).startsWith("whsec_").isNotEqualTo(before);
        assertThat(query("select webhook_secret from api_keys where id = ?", id)).containsExactly(after);

        LaunchResult revoked = launcher.launch("keys", "revoke", id.toString());
        assertThat(revoked.exitCode()).isZero();
        assertThat(revoked.getOutput()).contains("revoked " + id);
        assertThat(query("select revoked_at is not null from api_keys where id = ?", id)).containsExactly("t");

        // a revoked key's credits do not change: a failure, exit 1, said on stderr
        LaunchResult refused = launcher.launch("keys", "top-up", id.toString(), "1", "--reason", "late");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.getErrorOutput()).contains("key_revoked");
        assertThat(refused.getOutput()).doesNotContain("added");
    }

    @Test
    void mistakesAreUsageErrorsFailuresAreFailuresAndHelpNeedsNoDatabase(QuarkusMainLauncher launcher) {
        // help and usage errors are answered before Quarkus starts (KeysCommandArgumentsTest has the rest)
        LaunchResult help = launcher.launch("keys", "top-up", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.getOutput()).contains("Usage: pixmill keys top-up", "--reason", "--json");
        LaunchResult unknown = launcher.launch("keys", "frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.getErrorOutput()).contains("Unmatched argument", "Usage: pixmill keys");

        // wrong values the services judge are usage errors too
        LaunchResult badPlan = launcher.launch("keys", "create", "--plan", "gold");
        assertThat(badPlan.exitCode()).isEqualTo(2);
        assertThat(badPlan.getErrorOutput()).contains("invalid_parameter", "plan must be one of");

        LaunchResult missing = launcher.launch("keys", "show", UUID.randomUUID().toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.getErrorOutput()).contains("not_found");
    }

    /**
     * The JSON answer: the last line of stdout. (In this harness the captured output also holds the
     * test JVM's own log lines; the program itself writes logs to stderr, its stdout is the answer.)
     */
    private static JsonNode answer(LaunchResult result) throws Exception {
        assertThat(result.exitCode()).as(result.getErrorOutput()).isZero();
        List<String> lines = result.getOutputStream().stream().filter(l -> !l.isBlank()).toList();
        return JSON.readTree(lines.getLast());
    }

    /** Every value of every row, row by row, as text. */
    private static List<String> query(String sql, UUID id) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), "pixmill", "pixmill");
             PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, id);
            List<String> values = new ArrayList<>();
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                        values.add(rows.getString(i));
                    }
                }
            }
            return values;
        }
    }

    /** The test database, as the test profile configures it (overridable like it with -D%test...). */
    private static String jdbcUrl() {
        return System.getProperty("%test.quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/pixmill_test");
    }
}
