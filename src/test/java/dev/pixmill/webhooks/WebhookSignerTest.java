package dev.pixmill.webhooks;

import com.standardwebhooks.Webhook;
import dev.pixmill.security.Tokens;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Signatures as the Standard Webhooks reference library (com.standardwebhooks:standardwebhooks) verifies them. */
class WebhookSignerTest {

    @Test
    void matchesThePublishedExample() throws Exception {
        // the example of the Standard Webhooks / Svix documentation
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String body = "{\"test\": 2432232314}";
        String signature = WebhookSigner.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                body.getBytes(StandardCharsets.UTF_8));
        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assertThat(signature).isEqualTo(new Webhook(secret).sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body));
    }

    @Test
    void theReferenceVerifierAcceptsFreshSecretsAndRejectsTampering() throws Exception {
        String secret = Tokens.webhookSecret();
        assertThat(secret).matches("whsec_[A-Za-z0-9+/]{43}=");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        String body = "{\"type\":\"conversion.completed\",\"data\":{\"id\":\"é\"}}";
        long now = Instant.now().getEpochSecond();
        String signature = WebhookSigner.sign(secret, "msg_1", now, body.getBytes(StandardCharsets.UTF_8));
        Map<String, List<String>> headers = Map.of("webhook-id", List.of("msg_1"),
                "webhook-timestamp", List.of(Long.toString(now)), "webhook-signature", List.of(signature));

        new Webhook(secret).verify(body, headers);
        assertThatThrownBy(() -> new Webhook(secret).verify(body.replace("é", "e"), headers))
                .hasMessageContaining("No matching signature");
        assertThatThrownBy(() -> new Webhook(Tokens.webhookSecret()).verify(body, headers))
                .hasMessageContaining("No matching signature");
    }
}
