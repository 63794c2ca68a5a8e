package dev.pixmill.generate;

import dev.pixmill.support.OpenAiStub;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.pixmill.support.Generation.createKey;
import static dev.pixmill.support.Generation.decode;
import static dev.pixmill.support.Generation.fetch;
import static dev.pixmill.support.Generation.generate;
import static dev.pixmill.support.Generation.urls;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAI-compatible provider against {@link OpenAiStub} on loopback: both answer forms, the
 * size mapping and the exact fit, error answers reported on the image, retries of 500 and 429,
 * and a slow server failing the image in bounded time (1 s per try, 2 retries, short backoff).
 */
@QuarkusTest
@TestProfile(OpenAiProviderTest.OpenAiProfile.class)
class OpenAiProviderTest {

    public static class OpenAiProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(Map.entry("pixmill.generate.provider", "openai"),
                    Map.entry("pixmill.generate.openai.base-url", OpenAiStub.shared().baseUrl() + "/v1/"),
                    Map.entry("pixmill.generate.openai.api-key", OpenAiStub.API_KEY),
                    Map.entry("pixmill.generate.openai.model", "stub-image-1"),
                    Map.entry("pixmill.generate.openai.premium-model", "stub-image-1-hd"),
                    Map.entry("pixmill.generate.openai.timeout", "1s"),
                    Map.entry("pixmill.generate.openai.connect-timeout", "1s"),
                    Map.entry("pixmill.generate.openai.retries", "2"),
                    Map.entry("pixmill.generate.openai.backoff-base", "50ms"),
                    Map.entry("pixmill.generate.openai.backoff-max", "200ms"));
        }
    }

    final OpenAiStub stub = OpenAiStub.shared();

    @Test
    void aBase64AnswerBecomesAJpegOfExactlyTheRequestedSize() {
        String key = createKey("openai");
        String prompt = "a red fox in the snow " + tag();
        JsonPath answer = generate(key, Map.of("prompt", prompt, "size", "1536x640"))
                .then().statusCode(200).extract().jsonPath();
        assertThat(answer.getString("[0].alt")).isEqualTo("Photo of " + prompt + ".");
        BufferedImage image = decode(fetch(answer.getString("[0].url")).then().statusCode(200)
                .contentType("image/jpeg").extract().asByteArray());
        assertThat(image.getWidth()).isEqualTo(1536);
        assertThat(image.getHeight()).isEqualTo(640);

        List<OpenAiStub.Call> calls = stub.callsFor(prompt);
        assertThat(calls).hasSize(1);
        OpenAiStub.Call call = calls.getFirst();
        assertThat(call.path()).isEqualTo("/v1/images/generations");
        assertThat(call.header("Authorization")).isEqualTo("Bearer " + OpenAiStub.API_KEY);
        assertThat(call.header("Content-Type")).isEqualTo("application/json");
        assertThat(call.body().path("model").asText()).isEqualTo("stub-image-1");
        assertThat(call.body().path("n").asInt()).isEqualTo(1);
        // 2.4:1 asked; of 1:1, 1.75:1 and 1:1.75 the wide one is nearest, then cropped and scaled
        assertThat(call.body().path("size").asText()).isEqualTo("1792x1024");
        assertThat(call.body().path("response_format").asText()).isEqualTo("b64_json");
        assertThat(call.body().path("prompt").asText())
                .isEqualTo(prompt + ". Style: a photorealistic photograph, natural light, high detail.");
    }

    @Test
    void aUrlAnswerIsFetchedWithoutTheKey() {
        String key = createKey("openai-url");
        String prompt = "a paper crane [url] " + tag();
        String url = urls(key, Map.of("prompt", prompt, "size", "832x1216", "style", "none")).getFirst();
        BufferedImage image = decode(fetch(url).then().statusCode(200).extract().asByteArray());
        assertThat(image.getWidth()).isEqualTo(832);
        assertThat(image.getHeight()).isEqualTo(1216);
        OpenAiStub.Call generation = stub.callsFor(prompt).getFirst();
        assertThat(generation.body().path("size").asText()).isEqualTo("1024x1792");
        assertThat(generation.body().path("prompt").asText()).isEqualTo(prompt); // style none adds nothing
        OpenAiStub.Call download = stub.callsFor("/files/1024x1792.png").getLast();
        assertThat(download.header("Authorization")).isNull();
    }

    @Test
    void anErrorAnswerFailsTheImageWithTheProvidersWords() {
        String key = createKey("openai-refused");
        String prompt = "something forbidden [bad-request] " + tag();
        String url = urls(key, Map.of("prompt", prompt)).getFirst();
        Response error = fetch(url);
        assertThat(error.statusCode()).isEqualTo(502);
        assertThat(error.jsonPath().getString("error")).isEqualTo("generation_failed");
        assertThat(error.jsonPath().getString("message")).isEqualTo("the image could not be generated: the image "
                + "provider refused the request (400): Your request was rejected as a result of our safety system.");
        assertThat(stub.callsFor(prompt)).hasSize(1); // a refusal is not tried again
    }

    @Test
    void aServerErrorIsTriedAgain() {
        String key = createKey("openai-flaky");
        String prompt = "a windmill [flaky] " + tag();
        fetch(urls(key, Map.of("prompt", prompt)).getFirst()).then().statusCode(200).contentType("image/jpeg");
        assertThat(stub.callsFor(prompt)).hasSize(2);
    }

    @Test
    void aRateLimitIsWaitedOutAndTriedAgain() {
        String key = createKey("openai-limited");
        String prompt = "a busy market [rate-limited] " + tag();
        fetch(urls(key, Map.of("prompt", prompt)).getFirst()).then().statusCode(200).contentType("image/jpeg");
        assertThat(stub.callsFor(prompt)).hasSize(2);
    }

    @Test
    void aServerThatKeepsFailingFailsTheImageAfterTheLastTry() {
        String key = createKey("openai-down");
        String prompt = "a bridge [always-503] " + tag();
        Response error = fetch(urls(key, Map.of("prompt", prompt)).getFirst());
        assertThat(error.statusCode()).isEqualTo(502);
        assertThat(error.jsonPath().getString("message"))
                .isEqualTo("the image could not be generated: the image provider answered 503: "
                        + "<html><body>Service Unavailable</body></html> (3 tries)");
        assertThat(stub.callsFor(prompt)).hasSize(3);
    }

    @Test
    void aSlowServerFailsTheImageCleanlyInBoundedTime() {
        String key = createKey("openai-slow");
        String prompt = "a snail [slow] " + tag();
        long started = System.nanoTime();
        String url = urls(key, Map.of("prompt", prompt)).getFirst();
        Response error = fetch(url);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(error.statusCode()).isEqualTo(502);
        assertThat(error.jsonPath().getString("message")).isEqualTo(
                "the image could not be generated: the image provider did not answer within 1 s (3 tries)");
        // 3 tries of 1 s and two short waits: not the 10 s the server would take to answer, nor a hang
        // (the bound leaves room for a loaded machine)
        assertThat(took).isGreaterThan(Duration.ofMillis(3000)).isLessThan(Duration.ofSeconds(15));
        assertThat(stub.callsFor(prompt)).hasSize(3);
    }

    @Test
    void anAnswerThatIsNotAnImageFailsTheImage() {
        String key = createKey("openai-garbage");
        String prompt = "a mystery [not-an-image] " + tag();
        Response error = fetch(urls(key, Map.of("prompt", prompt)).getFirst());
        assertThat(error.statusCode()).isEqualTo(502);
        assertThat(error.jsonPath().getString("message")).startsWith(
                "the image could not be generated: the image provider's answer is not a usable image: ");
    }

    @Test
    void thePremiumModelIsAskedForByItsOwnName() {
        String key = createKey("openai-pro", "professional", null);
        String prompt = "a cathedral " + tag();
        fetch(urls(key, Map.of("prompt", prompt, "model", "premium", "style", "fantasy")).getFirst())
                .then().statusCode(200);
        OpenAiStub.Call call = stub.callsFor(prompt).getFirst();
        assertThat(call.body().path("model").asText()).isEqualTo("stub-image-1-hd");
        assertThat(call.body().path("prompt").asText()).endsWith("Style: epic fantasy art, dramatic magical lighting.");
    }

    private static String tag() {
        return "#" + UUID.randomUUID().toString().substring(0, 8);
    }
}
