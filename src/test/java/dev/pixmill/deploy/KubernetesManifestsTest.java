package dev.pixmill.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.custom.Quantity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests, rendered as {@code kubectl apply -k} renders them and checked against
 * the Kubernetes API and against the service they deploy: its health endpoints, port, settings,
 * body limit, measured memory and shutdown.
 */
class KubernetesManifestsTest {

    static final String BASE = "deploy/kubernetes/base";
    static final String EXAMPLE = "deploy/kubernetes/overlays/example";
    static final String DEV = "deploy/kubernetes/overlays/dev";
    static final Map<String, String> POD_LABELS = Map.of("app.kubernetes.io/name", "pixmill",
            "app.kubernetes.io/component", "server");

    static List<ObjectNode> render(String dir) {
        return Kustomize.render(Repo.file(dir));
    }

    static ObjectNode one(List<ObjectNode> objects, String kind, String name) {
        List<ObjectNode> found = objects.stream().filter(o -> o.path("kind").asText().equals(kind)
                && o.path("metadata").path("name").asText().equals(name)).toList();
        assertThat(found).as(kind + " " + name).hasSize(1);
        return found.get(0);
    }

    static JsonNode container(List<ObjectNode> objects) {
        JsonNode containers = one(objects, "Deployment", "pixmill").path("spec").path("template").path("spec").path("containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    @Test
    void everyYamlFileParses() throws IOException {
        try (Stream<Path> files = Files.walk(Repo.file("deploy/kubernetes"))) {
            List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).toList();
            assertThat(yaml).hasSizeGreaterThanOrEqualTo(14);
            for (Path f : yaml) {
                for (ObjectNode doc : Yaml.documents(f)) {
                    assertThat(doc.path("apiVersion").asText()).as(f.toString()).isNotEmpty();
                    assertThat(doc.path("kind").asText()).as(f.toString()).isNotEmpty();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {BASE, EXAMPLE, DEV})
    void everyRenderedObjectIsValidForTheKubernetesApi(String dir) {
        List<ObjectNode> objects = render(dir);
        Set<String> ids = new HashSet<>();
        for (ObjectNode o : objects) {
            KubernetesSchema.validate(o);
            assertThat(ids.add(o.path("kind").asText() + "/" + o.path("metadata").path("namespace").asText() + "/"
                    + o.path("metadata").path("name").asText())).as("duplicate " + o.path("metadata")).isTrue();
        }
        assertThat(objects).extracting(o -> o.path("kind").asText()).contains("Deployment", "Service", "Ingress",
                "HorizontalPodAutoscaler", "PodDisruptionBudget", "ConfigMap", "Secret");
    }

    @Test
    void theValidatorRefusesUnknownMissingAndMistypedFields() {
        ObjectNode good = one(render(BASE), "Deployment", "pixmill");
        KubernetesSchema.validate(good);

        ObjectNode typo = good.deepCopy();
        ((ObjectNode) typo.at("/spec/template/spec/containers/0")).set("livenessprobe", typo.at("/spec/template/spec/containers/0/livenessProbe"));
        assertThatThrownBy(() -> KubernetesSchema.validate(typo)).hasMessageContaining("livenessprobe");

        ObjectNode nameless = good.deepCopy();
        ((ObjectNode) nameless.at("/spec/template/spec/containers/0")).remove("name");
        assertThatThrownBy(() -> KubernetesSchema.validate(nameless)).hasMessageContaining("name");

        ObjectNode text = good.deepCopy();
        ((ObjectNode) text.at("/spec")).put("replicas", "two");
        assertThatThrownBy(() -> KubernetesSchema.validate(text)).isInstanceOf(IllegalArgumentException.class);

        ObjectNode megabytes = good.deepCopy();
        ((ObjectNode) megabytes.at("/spec/template/spec/containers/0/resources/limits")).put("memory", "768MB");
        assertThatThrownBy(() -> KubernetesSchema.validate(megabytes)).isInstanceOf(IllegalArgumentException.class);

        ObjectNode oldApi = good.deepCopy();
        oldApi.put("apiVersion", "extensions/v1beta1");
        assertThatThrownBy(() -> KubernetesSchema.validate(oldApi)).hasMessageContaining("apps/v1");
    }

    /** The renderer agrees with kubectl's own kustomize, where kubectl is installed (it is on CI's machines). */
    @ParameterizedTest
    @ValueSource(strings = {BASE, EXAMPLE, DEV})
    void rendersAsKubectlDoes(String dir) throws Exception {
        Optional<String> kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(p -> Path.of(p, "kubectl")).filter(Files::isExecutable).map(Path::toString).findFirst();
        Assumptions.assumeTrue(kubectl.isPresent(), "kubectl is not installed");
        Process p = new ProcessBuilder(kubectl.get(), "kustomize", Repo.file(dir).toString()).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        List<ObjectNode> theirs = Yaml.documents(new String(out, StandardCharsets.UTF_8), "kubectl kustomize " + dir);
        assertThat(render(dir)).containsExactlyInAnyOrderElementsOf(theirs);
    }

    /** The paths are asked of the running service in {@link ProbesTest}; here their ports and timing. */
    @Test
    void probesUseTheServicePortAndAllowForAFirstStart() {
        Map<String, String> app = ConfigKeys.applicationProperties();
        JsonNode c = container(render(BASE));
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            assertThat(c.at("/" + probe + "/httpGet/port").asText()).isEqualTo("http");
            assertThat(c.at("/" + probe + "/timeoutSeconds").asInt()).isLessThan(c.at("/" + probe + "/periodSeconds").asInt() + 1);
        }
        // a slow first start (migrations) has a minute or more before liveness counts
        assertThat(c.at("/startupProbe/periodSeconds").asInt() * c.at("/startupProbe/failureThreshold").asInt()).isGreaterThanOrEqualTo(60);
        assertThat(c.at("/ports/0/name").asText()).isEqualTo("http");
        assertThat(c.at("/ports/0/containerPort").asInt()).isEqualTo(Integer.parseInt(app.get("quarkus.http.port")));
    }

    @Test
    void everyConfigMapAndSecretKeySetsARunTimeProperty() {
        ConfigKeys keys = ConfigKeys.load();
        for (String dir : List.of(BASE, EXAMPLE, DEV)) {
            List<ObjectNode> objects = render(dir);
            JsonNode c = container(objects);
            List<String> problems = new ArrayList<>();
            int checked = 0;
            for (JsonNode from : c.path("envFrom")) {
                ObjectNode source = from.has("configMapRef")
                        ? one(objects, "ConfigMap", from.at("/configMapRef/name").asText())
                        : one(objects, "Secret", from.at("/secretRef/name").asText());
                for (String field : List.of("data", "stringData")) {
                    for (String key : (Iterable<String>) source.path(field)::fieldNames) {
                        keys.problem(key).ifPresent(problems::add);
                        checked++;
                    }
                }
            }
            for (JsonNode env : c.path("env")) {
                keys.problem(env.path("name").asText()).ifPresent(problems::add);
                checked++;
            }
            assertThat(problems).as(dir).isEmpty();
            assertThat(checked).as(dir).isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void theIngressTakesTheBatchBodyLimitAndKeepsStreamsOpen() {
        List<ObjectNode> objects = render(BASE);
        JsonNode annotations = one(objects, "Ingress", "pixmill").at("/metadata/annotations");
        Map<String, String> app = ConfigKeys.applicationProperties();
        assertThat(nginxSize(annotations.path("nginx.ingress.kubernetes.io/proxy-body-size").asText()))
                .isEqualTo(memorySize(app.get("quarkus.http.limits.max-body-size")));
        assertThat(annotations.path("nginx.ingress.kubernetes.io/proxy-buffering").asText()).isEqualTo("off");
        assertThat(annotations.path("nginx.ingress.kubernetes.io/proxy-request-buffering").asText()).isEqualTo("off");
        long idle = duration(app.get("quarkus.http.idle-timeout")).toSeconds();
        assertThat(annotations.path("nginx.ingress.kubernetes.io/proxy-read-timeout").asLong()).isGreaterThanOrEqualTo(idle);
        assertThat(annotations.path("nginx.ingress.kubernetes.io/proxy-send-timeout").asLong()).isGreaterThanOrEqualTo(idle);
    }

    @Test
    void memoryFitsTheMeasuredPeakAndGivesTheMeasuredHeap() {
        JsonNode resources = container(render(BASE)).path("resources");
        long limit = new Quantity(resources.at("/limits/memory").asText()).getNumber().longValueExact();
        long request = new Quantity(resources.at("/requests/memory").asText()).getNumber().longValueExact();
        long peak = Repo.MEASURED_PEAK_RSS_MB * 1024 * 1024;
        assertThat(request).isGreaterThanOrEqualTo(peak);
        assertThat(limit).isGreaterThanOrEqualTo(request);
        // the image sizes the heap as a share of the limit; it must come to the heap the peak was measured with
        int percent = ContainerImages.maxRamPercentage();
        assertThat(limit * percent / 100).isEqualTo(ContainerImages.measuredHeapBytes());
        assertThat(new Quantity(resources.at("/requests/cpu").asText()).getNumber().doubleValue()).isGreaterThan(0);
    }

    @Test
    void aStoppingPodHasTimeToFinishOrHandBackItsJobs() {
        List<ObjectNode> objects = render(BASE);
        JsonNode pod = one(objects, "Deployment", "pixmill").at("/spec/template/spec");
        JsonNode c = container(objects);
        JsonNode preStop = c.at("/lifecycle/preStop/exec/command");
        assertThat(preStop.get(0).asText()).isEqualTo("sleep");
        long sleep = preStop.get(1).asLong();
        assertThat(sleep).isBetween(5L, 30L);
        String grace = one(objects, "ConfigMap", "pixmill-config").path("data").path("PIXMILL_JOBS_SHUTDOWN_GRACE").asText(null);
        long shutdownGrace = duration(grace != null ? grace : "10S").toSeconds();
        // the stop's waits one after the other (README, Graceful shutdown): requests drain, jobs'
        // grace, webhook tries in flight (timeout 10 s + 1 s), then about 5 s for the engine and the JVM
        long drain = duration(Repo.prodProperty("quarkus.shutdown.timeout")).toSeconds();
        assertThat(pod.path("terminationGracePeriodSeconds").asLong())
                .isGreaterThanOrEqualTo(sleep + drain + shutdownGrace + 11 + 5);
        JsonNode strategy = one(objects, "Deployment", "pixmill").at("/spec/strategy");
        assertThat(strategy.at("/rollingUpdate/maxUnavailable").asInt()).isZero();
    }

    @Test
    void selectorsAndReferencesMeetTheirObjects() {
        for (String dir : List.of(BASE, EXAMPLE, DEV)) {
            List<ObjectNode> objects = render(dir);
            ObjectNode deployment = one(objects, "Deployment", "pixmill");
            Map<String, String> podLabels = Yaml.MAPPER.convertValue(deployment.at("/spec/template/metadata/labels"), Map.class);
            assertThat(podLabels).containsAllEntriesOf(POD_LABELS);
            assertThat(Yaml.MAPPER.convertValue(deployment.at("/spec/selector/matchLabels"), Map.class)).isEqualTo(POD_LABELS);
            assertThat(deployment.at("/spec/replicas").asInt()).isGreaterThanOrEqualTo(2);

            ObjectNode service = one(objects, "Service", "pixmill");
            assertThat(Yaml.MAPPER.convertValue(service.at("/spec/selector"), Map.class)).isEqualTo(POD_LABELS);
            assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo(container(objects).at("/ports/0/name").asText());

            JsonNode backend = one(objects, "Ingress", "pixmill").at("/spec/rules/0/http/paths/0/backend/service");
            assertThat(backend.path("name").asText()).isEqualTo("pixmill");
            assertThat(backend.at("/port/name").asText()).isEqualTo(service.at("/spec/ports/0/name").asText());

            ObjectNode pdb = one(objects, "PodDisruptionBudget", "pixmill");
            assertThat(Yaml.MAPPER.convertValue(pdb.at("/spec/selector/matchLabels"), Map.class)).isEqualTo(POD_LABELS);
            ObjectNode hpa = one(objects, "HorizontalPodAutoscaler", "pixmill");
            assertThat(hpa.at("/spec/scaleTargetRef/kind").asText()).isEqualTo("Deployment");
            assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo("pixmill");
            assertThat(hpa.at("/spec/minReplicas").asInt()).isGreaterThanOrEqualTo(2)
                    .isGreaterThan(pdb.at("/spec/minAvailable").asInt())
                    .isLessThanOrEqualTo(deployment.at("/spec/replicas").asInt());
            assertThat(hpa.at("/spec/maxReplicas").asInt()).isGreaterThan(hpa.at("/spec/minReplicas").asInt());
            // the database URLs name the database Service
            JsonNode data = one(objects, "ConfigMap", "pixmill-config").path("data");
            ObjectNode db = one(objects, "Service", "pixmill-postgres");
            assertThat(data.path("QUARKUS_DATASOURCE_REACTIVE_URL").asText()).startsWith("postgresql://pixmill-postgres:5432/");
            assertThat(data.path("QUARKUS_DATASOURCE_JDBC_URL").asText()).startsWith("jdbc:postgresql://pixmill-postgres:5432/");
            assertThat(db.at("/spec/ports/0/port").asInt()).isEqualTo(5432);
        }
    }

    @Test
    void thePodRunsUnprivilegedWithAWritableTmpOnly() {
        JsonNode pod = one(render(BASE), "Deployment", "pixmill").at("/spec/template/spec");
        JsonNode c = container(render(BASE));
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asLong()).isEqualTo(ContainerImages.jvmImageUser()).isNotZero();
        assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(c.at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
        // uploads are spooled under java.io.tmpdir (/tmp in the image), which must be writable
        assertThat(ConfigKeys.applicationProperties().get("quarkus.http.body.uploads-directory")).startsWith("${java.io.tmpdir}");
        JsonNode mount = c.at("/volumeMounts/0");
        assertThat(mount.path("mountPath").asText()).isEqualTo("/tmp");
        assertThat(pod.at("/volumes/0/name").asText()).isEqualTo(mount.path("name").asText());
        assertThat(pod.at("/volumes/0/emptyDir").isObject()).isTrue();
        // two batches at their body limit fit in the temporary space
        long tmp = new Quantity(pod.at("/volumes/0/emptyDir/sizeLimit").asText()).getNumber().longValueExact();
        assertThat(tmp).isGreaterThanOrEqualTo(2 * memorySize(ConfigKeys.applicationProperties().get("quarkus.http.limits.max-body-size")));
        assertThat(pod.at("/topologySpreadConstraints").size()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theExampleOverlaySetsNamespaceImageReplicasAndHost() {
        List<ObjectNode> objects = render(EXAMPLE);
        for (ObjectNode o : objects) {
            if (!o.path("kind").asText().equals("Namespace")) {
                assertThat(o.at("/metadata/namespace").asText()).as(o.at("/metadata/name").asText()).isEqualTo("pixmill");
            }
        }
        one(objects, "Namespace", "pixmill");
        assertThat(container(objects).path("image").asText()).isEqualTo("registry.example.com/pixmill:0.1.0");
        assertThat(one(objects, "Deployment", "pixmill").at("/spec/replicas").asInt()).isEqualTo(3);
        ObjectNode ingress = one(objects, "Ingress", "pixmill");
        assertThat(ingress.at("/spec/rules/0/host").asText()).isEqualTo("img.example.org");
        assertThat(ingress.at("/spec/tls/0/hosts/0").asText()).isEqualTo("img.example.org");
        assertThat(one(objects, "ConfigMap", "pixmill-config").at("/data/PIXMILL_HTTP_PUBLIC_BASE_URL").asText())
                .isEqualTo("https://img.example.org");
        ObjectNode db = one(objects, "Service", "pixmill-postgres");
        assertThat(db.at("/spec/type").asText()).isEqualTo("ExternalName");
        assertThat(db.at("/spec/externalName").asText()).isEqualTo("pixmill-db.example.org");
    }

    @Test
    void theDevOverlayRunsItsOwnDatabaseBehindTheSameName() {
        List<ObjectNode> objects = render(DEV);
        ObjectNode db = one(objects, "Service", "pixmill-postgres");
        ObjectNode sts = one(objects, "StatefulSet", "pixmill-postgres");
        assertThat(db.at("/spec/clusterIP").asText()).isEqualTo("None");
        assertThat(db.at("/spec/type").isMissingNode()).isTrue();
        assertThat(sts.at("/spec/serviceName").asText()).isEqualTo("pixmill-postgres");
        assertThat(Yaml.MAPPER.convertValue(sts.at("/spec/template/metadata/labels"), Map.class))
                .containsAllEntriesOf(Yaml.MAPPER.convertValue(db.at("/spec/selector"), Map.class));
        assertThat(db.at("/spec/ports/0/targetPort").asText())
                .isEqualTo(sts.at("/spec/template/spec/containers/0/ports/0/name").asText());
        // Pixmill logs in with what the database was created with
        JsonNode server = one(objects, "Secret", "pixmill-postgres").path("stringData");
        JsonNode app = one(objects, "Secret", "pixmill-secrets").path("stringData");
        assertThat(app.path("QUARKUS_DATASOURCE_USERNAME").asText()).isEqualTo(server.path("POSTGRES_USER").asText());
        assertThat(app.path("QUARKUS_DATASOURCE_PASSWORD").asText()).isEqualTo(server.path("POSTGRES_PASSWORD").asText());
        assertThat(one(objects, "ConfigMap", "pixmill-config").at("/data/QUARKUS_DATASOURCE_JDBC_URL").asText())
                .endsWith("/" + server.path("POSTGRES_DB").asText());
        assertThat(sts.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(sts.at("/spec/volumeClaimTemplates/0/metadata/name").asText())
                .isEqualTo(sts.at("/spec/template/spec/containers/0/volumeMounts/0/name").asText());
        assertThat(one(objects, "Ingress", "pixmill").at("/spec/tls").isMissingNode()).isTrue();
    }

    @Test
    void everyPodSharesOneObjectStoreAndTheDevOverlayBringsItsOwn() {
        for (String dir : List.of(BASE, EXAMPLE, DEV)) {
            // pods have no shared disk (and a read-only root): the bytes must be in a bucket
            JsonNode config = one(render(dir), "ConfigMap", "pixmill-config").path("data");
            assertThat(config.path("PIXMILL_STORAGE_BACKEND").asText()).as(dir).isEqualTo("s3");
            assertThat(config.path("PIXMILL_STORAGE_S3_BUCKET").asText()).as(dir).isNotBlank();
        }
        List<ObjectNode> objects = render(DEV);
        JsonNode config = one(objects, "ConfigMap", "pixmill-config").path("data");
        ObjectNode service = one(objects, "Service", "pixmill-minio");
        ObjectNode sts = one(objects, "StatefulSet", "pixmill-minio");
        assertThat(config.path("PIXMILL_STORAGE_S3_ENDPOINT").asText())
                .isEqualTo("http://pixmill-minio:" + service.at("/spec/ports/0/port").asInt());
        assertThat(config.path("PIXMILL_STORAGE_S3_PATH_STYLE").asText()).isEqualTo("true");
        assertThat(config.path("PIXMILL_STORAGE_S3_CREATE_BUCKET").asText()).isEqualTo("true");
        assertThat(Yaml.MAPPER.convertValue(sts.at("/spec/template/metadata/labels"), Map.class))
                .containsAllEntriesOf(Yaml.MAPPER.convertValue(service.at("/spec/selector"), Map.class));
        assertThat(service.at("/spec/ports/0/targetPort").asText())
                .isEqualTo(sts.at("/spec/template/spec/containers/0/ports/0/name").asText());
        // Pixmill signs with the credentials the store was started with
        JsonNode server = one(objects, "Secret", "pixmill-minio").path("stringData");
        JsonNode app = one(objects, "Secret", "pixmill-secrets").path("stringData");
        assertThat(app.path("PIXMILL_STORAGE_S3_ACCESS_KEY_ID").asText()).isEqualTo(server.path("MINIO_ROOT_USER").asText());
        assertThat(app.path("PIXMILL_STORAGE_S3_SECRET_ACCESS_KEY").asText())
                .isEqualTo(server.path("MINIO_ROOT_PASSWORD").asText());
    }

    @Test
    void theRendererRefusesWhatItDoesNotRender(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  K: v\n");
        Files.writeString(dir.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                + "resources: [cm.yaml]\ncommonLabels:\n  a: b\n");
        assertThatThrownBy(() -> Kustomize.render(dir)).hasMessageContaining("commonLabels");
        Files.writeString(dir.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                + "resources: [cm.yaml]\npatches:\n  - target: {kind: ConfigMap, name: b}\n    patch: |-\n      - op: remove\n        path: /data/K\n");
        assertThatThrownBy(() -> Kustomize.render(dir)).hasMessageContaining("matches nothing");
        Files.writeString(dir.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                + "resources: [cm.yaml]\npatches:\n  - target: {kind: ConfigMap, name: a}\n    patch: |-\n      - op: replace\n        path: /data/X\n        value: y\n");
        assertThatThrownBy(() -> Kustomize.render(dir)).hasMessageContaining("does not exist");
        Files.writeString(dir.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                + "namespace: n\nresources: [cm.yaml]\npatches:\n  - target: {kind: ConfigMap, name: a}\n    patch: |-\n      - op: add\n        path: /data/X\n        value: y\n");
        List<ObjectNode> out = Kustomize.render(dir);
        assertThat(out.get(0).at("/data/X").asText()).isEqualTo("y");
        assertThat(out.get(0).at("/metadata/namespace").asText()).isEqualTo("n");
        assertThat(Kustomize.imageName("registry:5000/pixmill:1.2")).isEqualTo("registry:5000/pixmill");
        assertThat(Kustomize.imageName("registry:5000/pixmill")).isEqualTo("registry:5000/pixmill");
    }

    /** nginx sizes: k and m are binary, as Quarkus' K and M are. */
    static long nginxSize(String s) {
        Matcher m = Pattern.compile("(\\d+)([kKmMgG]?)").matcher(s);
        assertThat(m.matches()).as(s).isTrue();
        return Long.parseLong(m.group(1)) * switch (m.group(2).toLowerCase()) {
            case "k" -> 1024L;
            case "m" -> 1024L * 1024;
            case "g" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
    }

    static long memorySize(String s) {
        return new io.quarkus.runtime.configuration.MemorySizeConverter().convert(s).asLongValue();
    }

    static Duration duration(String s) {
        return io.quarkus.runtime.configuration.DurationConverter.parseDuration(s);
    }
}
