package dev.pixmill.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.custom.Quantity;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** compose.yaml: two replicas on one PostgreSQL behind nginx, set up as the service needs. */
class ComposeTest {

    private final ObjectNode compose = Yaml.single(Repo.file("compose.yaml"));
    private final JsonNode services = compose.path("services");

    @Test
    void twoReplicasShareAHealthyPostgres() {
        JsonNode pixmill = services.path("pixmill");
        assertThat(pixmill.at("/deploy/replicas").asInt()).isEqualTo(2);
        assertThat(pixmill.at("/build/dockerfile").asText()).isEqualTo("src/main/docker/Dockerfile.jvm");
        Repo.file(pixmill.at("/build/dockerfile").asText());
        assertThat(pixmill.at("/depends_on/postgres/condition").asText()).isEqualTo("service_healthy");
        JsonNode pg = services.path("postgres");
        assertThat(pg.path("image").asText()).matches("postgres:1[5-9].*");
        assertThat(pg.at("/healthcheck/test").toString()).contains("pg_isready");
        assertThat(pg.path("volumes").get(0).asText()).endsWith(":/var/lib/postgresql/data");
        assertThat(compose.at("/volumes").has(pg.path("volumes").get(0).asText().split(":")[0])).isTrue();

        JsonNode env = pixmill.path("environment");
        JsonNode pgEnv = pg.path("environment");
        assertThat(env.path("QUARKUS_DATASOURCE_REACTIVE_URL").asText()).isEqualTo("postgresql://postgres:5432/" + pgEnv.path("POSTGRES_DB").asText());
        assertThat(env.path("QUARKUS_DATASOURCE_JDBC_URL").asText()).isEqualTo("jdbc:postgresql://postgres:5432/" + pgEnv.path("POSTGRES_DB").asText());
        assertThat(env.path("QUARKUS_DATASOURCE_USERNAME").asText()).isEqualTo(pgEnv.path("POSTGRES_USER").asText());
        assertThat(env.path("QUARKUS_DATASOURCE_PASSWORD").asText()).isEqualTo(pgEnv.path("POSTGRES_PASSWORD").asText());
        assertThat(env.path("QUARKUS_HTTP_PROXY_TRUSTED_PROXIES").asText()).isEqualTo("lb");
        assertThat(services.has("lb")).isTrue();
        // both replicas read and write one blob directory: a named volume, inside the mount
        assertThat(env.path("PIXMILL_STORAGE_BACKEND").asText()).isEqualTo("filesystem");
        String[] blobs = pixmill.path("volumes").get(0).asText().split(":");
        assertThat(compose.at("/volumes").has(blobs[0])).isTrue();
        assertThat(env.path("PIXMILL_STORAGE_FILESYSTEM_DIRECTORY").asText()).startsWith(blobs[1] + "/");
    }

    @Test
    void everyEnvironmentKeySetsARunTimeProperty() {
        ConfigKeys keys = ConfigKeys.load();
        List<String> problems = new ArrayList<>();
        services.path("pixmill").path("environment").fieldNames().forEachRemaining(k -> keys.problem(k).ifPresent(problems::add));
        assertThat(problems).isEmpty();
        assertThat(services.path("pixmill").path("environment").size()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void memoryMatchesTheKubernetesLimitAndTheMeasuredHeap() {
        long composeLimit = new Quantity(services.at("/pixmill/mem_limit").asText().replace("m", "Mi")).getNumber().longValueExact();
        long k8sLimit = new Quantity(KubernetesManifestsTest.container(KubernetesManifestsTest.render(KubernetesManifestsTest.BASE))
                .at("/resources/limits/memory").asText()).getNumber().longValueExact();
        assertThat(composeLimit).isEqualTo(k8sLimit);
        assertThat(composeLimit * ContainerImages.maxRamPercentage() / 100).isEqualTo(ContainerImages.measuredHeapBytes());
        assertThat(composeLimit).isGreaterThan(Repo.MEASURED_PEAK_RSS_MB * 1024 * 1024);
    }

    @Test
    void nginxTakesBatchBodiesAndStreamsThrough() throws IOException {
        assertThat(services.at("/lb/volumes/0").asText()).startsWith("./deploy/compose/nginx.conf:");
        String conf = Files.readString(Repo.file("deploy/compose/nginx.conf"));
        String size = conf.replaceAll("(?s).*client_max_body_size\\s+(\\S+);.*", "$1");
        assertThat(KubernetesManifestsTest.nginxSize(size))
                .isEqualTo(KubernetesManifestsTest.memorySize(ConfigKeys.applicationProperties().get("quarkus.http.limits.max-body-size")));
        assertThat(conf).contains("proxy_buffering off;", "proxy_request_buffering off;", "server pixmill:8080;");
        long read = Long.parseLong(conf.replaceAll("(?s).*proxy_read_timeout\\s+(\\d+)s;.*", "$1"));
        assertThat(read).isGreaterThanOrEqualTo(KubernetesManifestsTest.duration(ConfigKeys.applicationProperties().get("quarkus.http.idle-timeout")).toSeconds());
    }
}
