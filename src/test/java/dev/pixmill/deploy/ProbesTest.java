package dev.pixmill.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Deployment's probes ask paths the running service answers, healthy, as the probe expects. */
@QuarkusTest
class ProbesTest {

    @Test
    void everyProbePathIsAHealthEndpointThatAnswersUp() {
        JsonNode c = KubernetesManifestsTest.container(KubernetesManifestsTest.render(KubernetesManifestsTest.BASE));
        List<String> paths = List.of("startupProbe", "readinessProbe", "livenessProbe").stream()
                .map(p -> c.at("/" + p + "/httpGet/path").asText()).toList();
        assertThat(paths).containsExactly("/q/health/started", "/q/health/ready", "/q/health/live");
        for (String path : paths) {
            given().get(path).then().statusCode(200).body("status", equalTo("UP"));
        }
        // a misspelt probe would fail the pod: the service does not answer just any path
        given().get("/q/health/readiness").then().statusCode(404);
    }
}
