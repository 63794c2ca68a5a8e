package dev.pixmill.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.error.BadRequestException;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * A key's overrides of the configured limits ({@code limits} in the admin API). Absent fields mean
 * "the configured default". Validated when a key is created, so a stored value always parses.
 *
 * @param optimizeMaxBytes upload limit of the optimize dialect
 * @param optimizeMaxWidth pixel limits of the optimize dialect (SVG is exempt)
 * @param disabledApis dialects this key may not use: {@code convert}, {@code optimize}, {@code tasks}, {@code generate}
 * @param requestsPerMinute work-creating requests per minute, instead of the plan's (accounts/Limits)
 * @param conversionsPerDay images per UTC day, instead of the plan's
 */
public record KeyLimits(OptionalLong optimizeMaxBytes, OptionalInt optimizeMaxWidth, OptionalInt optimizeMaxHeight,
        Set<String> disabledApis, OptionalInt requestsPerMinute, OptionalInt conversionsPerDay) {

    public static final Set<String> APIS = Set.of("convert", "optimize", "tasks", "generate");
    public static final KeyLimits NONE = new KeyLimits(OptionalLong.empty(), OptionalInt.empty(), OptionalInt.empty(),
            Set.of(), OptionalInt.empty(), OptionalInt.empty());

    /** A sanity bound; the engine's own limits (pixmill.engine.limits) still apply above a key's. */
    private static final int MAX_SIDE = 100_000;
    /** Bounds that keep every counter of a day inside an int (accounts/RateCounters). */
    private static final int MAX_REQUESTS_PER_MINUTE = 1_000_000;
    private static final int MAX_CONVERSIONS_PER_DAY = 1_000_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    public boolean disabled(String api) {
        return disabledApis.contains(api);
    }

    /** Parses the stored or submitted JSON; every problem is a 400 naming the field. */
    public static KeyLimits parse(JsonNode node) {
        return parse(node, true);
    }

    private static KeyLimits parse(JsonNode node, boolean strict) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        if (!node.isObject()) {
            throw invalid("limits must be a JSON object");
        }
        Set<String> known = Set.of("optimize_max_bytes", "optimize_max_width", "optimize_max_height", "disabled_apis",
                "requests_per_minute", "conversions_per_day");
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (strict && !known.contains(name)) {
                throw invalid("limits." + name + " is not a known limit; known: " + new TreeSet<>(known));
            }
        }
        OptionalLong bytes = node.has("optimize_max_bytes")
                ? OptionalLong.of(whole(node, "optimize_max_bytes", 1, 1L << 30)) : OptionalLong.empty();
        OptionalInt width = node.has("optimize_max_width")
                ? OptionalInt.of((int) whole(node, "optimize_max_width", 1, MAX_SIDE)) : OptionalInt.empty();
        OptionalInt height = node.has("optimize_max_height")
                ? OptionalInt.of((int) whole(node, "optimize_max_height", 1, MAX_SIDE)) : OptionalInt.empty();
        OptionalInt requests = node.has("requests_per_minute")
                ? OptionalInt.of((int) whole(node, "requests_per_minute", 1, MAX_REQUESTS_PER_MINUTE))
                : OptionalInt.empty();
        OptionalInt conversions = node.has("conversions_per_day")
                ? OptionalInt.of((int) whole(node, "conversions_per_day", 1, MAX_CONVERSIONS_PER_DAY))
                : OptionalInt.empty();
        Set<String> disabled = new TreeSet<>();
        JsonNode apis = node.get("disabled_apis");
        if (apis != null && !apis.isNull()) {
            if (!apis.isArray()) {
                throw invalid("limits.disabled_apis must be a list of " + new TreeSet<>(APIS));
            }
            for (JsonNode api : apis) {
                String name = api.isTextual() ? api.asText().toLowerCase(Locale.ROOT) : "";
                if (!APIS.contains(name)) {
                    throw invalid("limits.disabled_apis may hold " + new TreeSet<>(APIS) + ", not " + api);
                }
                disabled.add(name);
            }
        }
        return new KeyLimits(bytes, width, height, Set.copyOf(disabled), requests, conversions);
    }

    /**
     * Reads the stored form; rows written before a field existed parse as that field absent, and
     * fields a newer version wrote are ignored rather than locking the key out.
     */
    public static KeyLimits parseStored(String json) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        try {
            return parse(JSON.readTree(json), false);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | BadRequestException e) {
            throw new IllegalStateException("stored key limits are unreadable: " + e.getMessage(), e);
        }
    }

    /** The stored form: only what is set. */
    public Map<String, Object> toMap() {
        var map = new java.util.LinkedHashMap<String, Object>();
        optimizeMaxBytes.ifPresent(v -> map.put("optimize_max_bytes", v));
        optimizeMaxWidth.ifPresent(v -> map.put("optimize_max_width", v));
        optimizeMaxHeight.ifPresent(v -> map.put("optimize_max_height", v));
        if (!disabledApis.isEmpty()) {
            map.put("disabled_apis", List.copyOf(new TreeSet<>(disabledApis)));
        }
        requestsPerMinute.ifPresent(v -> map.put("requests_per_minute", v));
        conversionsPerDay.ifPresent(v -> map.put("conversions_per_day", v));
        return map;
    }

    private static long whole(JsonNode node, String name, long min, long max) {
        JsonNode v = node.get(name);
        if (v == null || !v.canConvertToExactIntegral() || v.asLong() < min || v.asLong() > max) {
            throw invalid("limits." + name + " must be a whole number from " + min + " to " + max + ", not " + v);
        }
        return v.asLong();
    }

    private static BadRequestException invalid(String message) {
        return new BadRequestException("invalid_parameter", message);
    }
}
