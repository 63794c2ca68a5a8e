package dev.pixmill.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration properties the running service reads, to check that an environment variable
 * in a ConfigMap, Secret or compose file sets one. Quarkus' own come from the configuration model
 * each extension ships ({@code META-INF/quarkus-config-doc/quarkus-config-model.json}, with its
 * phase: only run-time properties can be set by a deployment); Pixmill's from its
 * {@code @ConfigMapping} interfaces, found on the class path, as SmallRye Config maps them. An
 * environment variable names a property the way SmallRye Config matches them: the name with
 * every character other than a letter or digit as {@code _}, upper-cased; a map key or list
 * index of the property is any such segment.
 */
final class ConfigKeys {

    /** A property, as a pattern over environment variable names, and whether it is read at run time. */
    record Property(String name, Pattern env, String phase) {
        boolean runtime() {
            return "RUN_TIME".equals(phase);
        }
    }

    private static ConfigKeys loaded;

    private final List<Property> properties;

    private ConfigKeys(List<Property> properties) {
        this.properties = properties;
    }

    static synchronized ConfigKeys load() {
        if (loaded == null) {
            List<Property> all = new ArrayList<>();
            quarkusProperties(all);
            pixmillProperties(all);
            loaded = new ConfigKeys(Collections.unmodifiableList(all));
        }
        return loaded;
    }

    List<Property> properties() {
        return properties;
    }

    /** The property an environment variable sets, if it sets one. */
    Optional<Property> forEnv(String env) {
        return properties.stream().filter(p -> p.env().matcher(env).matches())
                // a run-time property wins over a build-time one of the same spelling
                .sorted((a, b) -> Boolean.compare(b.runtime(), a.runtime())).findFirst();
    }

    /** Why an environment variable sets no property the service reads at run time, or empty. */
    Optional<String> problem(String env) {
        Optional<Property> p = forEnv(env);
        if (p.isEmpty()) {
            return Optional.of(env + " sets no configuration property");
        }
        if (!p.get().runtime()) {
            return Optional.of(env + " sets " + p.get().name() + ", fixed at build time (" + p.get().phase() + ")");
        }
        return Optional.empty();
    }

    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    /** A property name with {@code *} (or a quoted segment) for a map key, as a pattern over env names. */
    static Pattern envPattern(String property) {
        String normalised = property.replaceAll("\"[^\"]*\"", "*").replace("[*]", ".*");
        StringBuilder regex = new StringBuilder();
        for (String part : normalised.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append("[A-Z0-9_]+?");
            }
            regex.append(Pattern.quote(envName(part)));
        }
        return Pattern.compile(regex.toString());
    }

    private static void quarkusProperties(List<Property> into) {
        ObjectMapper json = new ObjectMapper();
        try {
            var urls = ConfigKeys.class.getClassLoader().getResources("META-INF/quarkus-config-doc/quarkus-config-model.json");
            int files = 0;
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                files++;
                try (InputStream in = url.openStream()) {
                    collect(json.readTree(in), into);
                }
            }
            if (files < 5) {
                throw new IllegalStateException("found the configuration model of only " + files + " extensions");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(JsonNode node, List<Property> into) {
        if (node.isObject()) {
            JsonNode path = node.path("path");
            if (path.has("property")) {
                String phase = node.path("phase").asText();
                into.add(new Property(path.get("property").asText(), envPattern(path.get("property").asText()), phase));
                for (JsonNode alias : path.path("additionalPaths")) {
                    into.add(new Property(alias.path("property").asText(), envPattern(alias.path("property").asText()), phase));
                }
            }
            node.elements().forEachRemaining(child -> collect(child, into));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collect(child, into));
        }
    }

    /** Every {@code @ConfigMapping} interface compiled from src/main/java, by its properties. */
    private static void pixmillProperties(List<Property> into) {
        Path classes;
        try {
            classes = Path.of(ConfigKeys.class.getClassLoader().getResource("dev/pixmill/PixmillMain.class").toURI())
                    .getParent().getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        int mappings = 0;
        try (Stream<Path> files = Files.walk(classes.resolve("dev/pixmill"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".class") && !f.toString().contains("$")).toList()) {
                String cls = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c = Class.forName(cls, false, ConfigKeys.class.getClassLoader());
                ConfigMapping m = c.getAnnotation(ConfigMapping.class);
                if (m == null) {
                    continue;
                }
                mappings++;
                Map<String, ?> props = ConfigMappings.getProperties(new ConfigMappings.ConfigClass(c, m.prefix()));
                for (String name : props.keySet()) {
                    into.add(new Property(name, envPattern(name), "RUN_TIME"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        if (mappings < 10) {
            throw new IllegalStateException("found only " + mappings + " @ConfigMapping interfaces under " + classes);
        }
    }

    /** application.properties, without profile-specific keys. */
    static Map<String, String> applicationProperties() {
        Map<String, String> props = new HashMap<>();
        try (InputStream in = ConfigKeys.class.getClassLoader().getResourceAsStream("application.properties")) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            p.stringPropertyNames().stream().filter(k -> !k.startsWith("%")).forEach(k -> props.put(k, p.getProperty(k)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }

    /** The default of a property in the Quarkus configuration model, if it has one. */
    static Optional<String> quarkusDefault(String property) {
        ObjectMapper json = new ObjectMapper();
        try {
            var urls = ConfigKeys.class.getClassLoader().getResources("META-INF/quarkus-config-doc/quarkus-config-model.json");
            while (urls.hasMoreElements()) {
                try (InputStream in = urls.nextElement().openStream()) {
                    Optional<String> d = findDefault(json.readTree(in), property);
                    if (d.isPresent()) {
                        return d;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.empty();
    }

    private static Optional<String> findDefault(JsonNode node, String property) {
        if (node.isObject() && property.equals(node.path("path").path("property").asText())
                && node.hasNonNull("defaultValue")) {
            return Optional.of(node.get("defaultValue").asText());
        }
        for (JsonNode child : (Iterable<JsonNode>) node::elements) {
            Optional<String> d = findDefault(child, property);
            if (d.isPresent()) {
                return d;
            }
        }
        return Optional.empty();
    }
}
