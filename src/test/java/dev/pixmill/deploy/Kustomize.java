package dev.pixmill.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Renders a kustomization the way {@code kubectl apply -k} does, for the subset Pixmill's
 * manifests use: {@code resources} (files and directories), {@code namespace}, {@code images},
 * {@code replicas} and {@code patches} with a target and an inline JSON 6902 patch (add, remove,
 * replace). Anything else fails loudly, so the manifests cannot drift into features this does
 * not render, and a patch or image or replica entry that matches nothing is an error.
 */
final class Kustomize {

    private static final Set<String> KEYS = Set.of("apiVersion", "kind", "namespace", "resources", "images",
            "replicas", "patches");
    /** The cluster-scoped kinds a namespace is not set on (those the manifests could contain). */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "PersistentVolume", "StorageClass", "IngressClass", "PriorityClass", "CustomResourceDefinition");

    private Kustomize() {
    }

    static List<ObjectNode> render(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + ": no kustomization.yaml");
        }
        ObjectNode k = Yaml.single(file);
        k.fieldNames().forEachRemaining(key -> {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(file + ": '" + key + "' is not rendered by this test's kustomize");
            }
        });
        require(k, "apiVersion", "kustomize.config.k8s.io/v1beta1", file);
        require(k, "kind", "Kustomization", file);

        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            if (Files.isDirectory(p)) {
                objects.addAll(render(p));
            } else {
                objects.addAll(Yaml.documents(p));
            }
        }
        for (JsonNode patch : k.path("patches")) {
            applyPatch(objects, (ObjectNode) patch, file);
        }
        if (k.hasNonNull("namespace")) {
            String ns = k.get("namespace").asText();
            for (ObjectNode o : objects) {
                if (!CLUSTER_SCOPED.contains(o.path("kind").asText())) {
                    ((ObjectNode) o.with("metadata")).put("namespace", ns);
                }
            }
        }
        for (JsonNode r : k.path("replicas")) {
            List<ObjectNode> targets = objects.stream()
                    .filter(o -> Set.of("Deployment", "StatefulSet", "ReplicaSet").contains(o.path("kind").asText()))
                    .filter(o -> o.path("metadata").path("name").asText().equals(r.path("name").asText()))
                    .toList();
            if (targets.isEmpty()) {
                throw new IllegalArgumentException(file + ": replicas of '" + r.path("name").asText() + "' match nothing");
            }
            targets.forEach(o -> o.with("spec").set("replicas", r.get("count")));
        }
        for (JsonNode image : k.path("images")) {
            if (setImage(objects, image) == 0) {
                throw new IllegalArgumentException(file + ": image '" + image.path("name").asText() + "' matches no container");
            }
        }
        return objects;
    }

    private static void require(ObjectNode k, String key, String value, Path file) {
        if (!value.equals(k.path(key).asText())) {
            throw new IllegalArgumentException(file + ": " + key + " must be " + value);
        }
    }

    private static void applyPatch(List<ObjectNode> objects, ObjectNode patch, Path file) {
        patch.fieldNames().forEachRemaining(key -> {
            if (!Set.of("target", "patch").contains(key)) {
                throw new IllegalArgumentException(file + ": patch field '" + key + "' is not rendered here");
            }
        });
        JsonNode target = patch.path("target");
        target.fieldNames().forEachRemaining(key -> {
            if (!Set.of("kind", "name").contains(key)) {
                throw new IllegalArgumentException(file + ": patch target field '" + key + "' is not rendered here");
            }
        });
        JsonNode ops = Yaml.tree(patch.path("patch").asText());
        if (!ops.isArray()) {
            throw new IllegalArgumentException(file + ": only JSON 6902 patches (a list of operations) are rendered");
        }
        List<ObjectNode> targets = objects.stream()
                .filter(o -> o.path("kind").asText().equals(target.path("kind").asText()))
                .filter(o -> o.path("metadata").path("name").asText().equals(target.path("name").asText()))
                .toList();
        if (targets.isEmpty()) {
            throw new IllegalArgumentException(file + ": patch target " + target + " matches nothing");
        }
        for (ObjectNode o : targets) {
            for (JsonNode op : ops) {
                JsonPatch.apply(o, op);
            }
        }
    }

    private static int setImage(List<ObjectNode> objects, JsonNode image) {
        int changed = 0;
        for (ObjectNode o : objects) {
            JsonNode pod = o.path("spec").path("template").path("spec");
            for (String list : List.of("initContainers", "containers")) {
                for (JsonNode c : pod.path(list)) {
                    String current = c.path("image").asText();
                    String name = imageName(current);
                    if (!name.equals(image.path("name").asText())) {
                        continue;
                    }
                    String tag = current.substring(name.length());
                    String newName = image.hasNonNull("newName") ? image.get("newName").asText() : name;
                    if (image.hasNonNull("digest")) {
                        tag = "@" + image.get("digest").asText();
                    } else if (image.hasNonNull("newTag")) {
                        tag = ":" + image.get("newTag").asText();
                    }
                    ((ObjectNode) c).put("image", newName + tag);
                    changed++;
                }
            }
        }
        return changed;
    }

    /** The image without its tag or digest (a registry port is not a tag). */
    static String imageName(String image) {
        int at = image.indexOf('@');
        String s = at >= 0 ? image.substring(0, at) : image;
        int colon = s.lastIndexOf(':');
        return colon > s.lastIndexOf('/') ? s.substring(0, colon) : s;
    }

    /** RFC 6902 add, remove and replace on a Jackson tree. */
    static final class JsonPatch {
        private JsonPatch() {
        }

        static void apply(ObjectNode root, JsonNode op) {
            String kind = op.path("op").asText();
            String path = op.path("path").asText();
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("patch path must start with /: " + path);
            }
            List<String> tokens = new ArrayList<>();
            for (String t : path.substring(1).split("/", -1)) {
                tokens.add(t.replace("~1", "/").replace("~0", "~"));
            }
            JsonNode parent = root;
            for (int i = 0; i < tokens.size() - 1; i++) {
                parent = child(parent, tokens.get(i), path);
            }
            String last = tokens.get(tokens.size() - 1);
            switch (kind) {
                case "add" -> add(parent, last, op.get("value"), path);
                case "replace" -> {
                    child(parent, last, path); // must exist
                    set(parent, last, op.get("value"), path);
                }
                case "remove" -> {
                    child(parent, last, path);
                    if (parent instanceof ObjectNode obj) {
                        obj.remove(last);
                    } else {
                        ((ArrayNode) parent).remove(Integer.parseInt(last));
                    }
                }
                default -> throw new IllegalArgumentException("patch op '" + kind + "' is not rendered here");
            }
        }

        private static JsonNode child(JsonNode parent, String token, String path) {
            JsonNode c = parent.isArray() ? parent.path(index(token, parent, path)) : parent.get(token);
            if (c == null || c.isMissingNode()) {
                throw new IllegalArgumentException("patch path " + path + " does not exist");
            }
            return c;
        }

        private static int index(String token, JsonNode array, String path) {
            try {
                int i = Integer.parseInt(token);
                if (i < 0 || i >= array.size()) {
                    throw new IllegalArgumentException("patch path " + path + ": index " + i + " out of range");
                }
                return i;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("patch path " + path + ": '" + token + "' is not an index");
            }
        }

        private static void add(JsonNode parent, String token, JsonNode value, String path) {
            if (parent instanceof ArrayNode arr) {
                if ("-".equals(token)) {
                    arr.add(value);
                } else {
                    int i = Integer.parseInt(token);
                    if (i < 0 || i > arr.size()) {
                        throw new IllegalArgumentException("patch path " + path + ": index out of range");
                    }
                    arr.insert(i, value);
                }
            } else {
                ((ObjectNode) parent).set(token, value);
            }
        }

        private static void set(JsonNode parent, String token, JsonNode value, String path) {
            if (parent instanceof ArrayNode arr) {
                arr.set(index(token, arr, path), value);
            } else {
                ((ObjectNode) parent).set(token, value);
            }
        }
    }
}
