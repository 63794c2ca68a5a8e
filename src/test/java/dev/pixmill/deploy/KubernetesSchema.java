package dev.pixmill.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/**
 * Checks a manifest against the Kubernetes 1.32 API, through the models the official Java client
 * generates from Kubernetes' OpenAPI document (io.kubernetes:client-java-api 24, Apache-2.0):
 * their validators reject a field the API does not define, at any depth, and a missing required
 * one; reading the object into the typed model then rejects a value of the wrong type (a number
 * that is text, a quantity such as "768MB" that Kubernetes does not parse).
 */
final class KubernetesSchema {

    /** The kinds the manifests may contain, each at the API version Kubernetes 1.32 serves. */
    static final Map<String, Kind> KINDS = Map.of(
            "Deployment", new Kind("apps/v1", V1Deployment.class),
            "StatefulSet", new Kind("apps/v1", V1StatefulSet.class),
            "Service", new Kind("v1", V1Service.class),
            "ConfigMap", new Kind("v1", V1ConfigMap.class),
            "Secret", new Kind("v1", V1Secret.class),
            "Namespace", new Kind("v1", V1Namespace.class),
            "Ingress", new Kind("networking.k8s.io/v1", V1Ingress.class),
            "HorizontalPodAutoscaler", new Kind("autoscaling/v2", V2HorizontalPodAutoscaler.class),
            "PodDisruptionBudget", new Kind("policy/v1", V1PodDisruptionBudget.class));

    record Kind(String apiVersion, Class<?> model) {
    }

    private static final JSON JSON = new JSON();

    private KubernetesSchema() {
    }

    /** Throws IllegalArgumentException naming the object and what is wrong with it. */
    static void validate(ObjectNode object) {
        String kind = object.path("kind").asText();
        String name = kind + " " + object.path("metadata").path("name").asText("(no name)");
        Kind k = KINDS.get(kind);
        if (k == null) {
            throw new IllegalArgumentException(name + ": kind '" + kind + "' is not one the manifests may use");
        }
        if (!k.apiVersion().equals(object.path("apiVersion").asText())) {
            throw new IllegalArgumentException(name + ": apiVersion must be " + k.apiVersion() + ", is "
                    + object.path("apiVersion").asText());
        }
        if (object.path("metadata").path("name").asText().isEmpty()) {
            throw new IllegalArgumentException(name + ": metadata.name is required");
        }
        String json = object.toString();
        JsonElement tree = JsonParser.parseString(json);
        try {
            k.model().getMethod("validateJsonElement", JsonElement.class).invoke(null, tree);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(name + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        try {
            JSON.getGson().fromJson(json, k.model());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }
}
