package dev.pixmill.generate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pixmill.error.BadRequestException;

/**
 * One validated request of the generation dialect; every problem is a 400 naming the parameter.
 * Unknown members are ignored (clients send more than the contract names).
 *
 * @param prompt stripped of leading and trailing white space
 */
public record GenerationRequest(String prompt, Style style, ImageSize size, int numImages, Model model) {

    public static final int MAX_PROMPT = 1000;
    public static final int MAX_IMAGES = 4;

    public static GenerationRequest parse(JsonNode body) {
        if (body == null || body.isMissingNode() || body.isNull()) {
            throw new BadRequestException("invalid_json", "the request body must be a JSON object with a prompt");
        }
        if (!body.isObject()) {
            throw new BadRequestException("invalid_json", "the request body must be a JSON object, not "
                    + body.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return new GenerationRequest(prompt(body.get("prompt")),
                choice(body.get("style"), "style", Style.PHOTO, v -> Style.of(v).orElse(null), Style.names()),
                choice(body.get("size"), "size", ImageSize.DEFAULT, v -> ImageSize.offered(v).orElse(null),
                        ImageSize.offeredNames()),
                numImages(body.get("numImages")),
                choice(body.get("model"), "model", Model.STANDARD, v -> Model.of(v).orElse(null), "standard, premium"));
    }

    /** Credits the request costs when every image is made. */
    public int credits() {
        return numImages * model.creditsPerImage();
    }

    private static String prompt(JsonNode node) {
        if (node == null || node.isNull()) {
            throw invalid("prompt is required");
        }
        if (!node.isTextual()) {
            throw invalid("prompt must be a string");
        }
        String prompt = node.asText().strip();
        if (prompt.isEmpty()) {
            throw invalid("prompt must not be empty");
        }
        int length = prompt.codePointCount(0, prompt.length());
        if (length > MAX_PROMPT) {
            throw invalid("prompt is " + length + " characters long; at most " + MAX_PROMPT + " are allowed");
        }
        return prompt;
    }

    private static int numImages(JsonNode node) {
        if (node == null || node.isNull()) {
            return 1;
        }
        Integer n = null;
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            n = node.intValue();
        } else if (node.isNumber() && node.doubleValue() == Math.rint(node.doubleValue())) {
            n = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, node.doubleValue()));
        } else if (node.isTextual() && node.asText().strip().matches("[0-9]{1,9}")) {
            n = Integer.parseInt(node.asText().strip());
        }
        if (n == null || n < 1 || n > MAX_IMAGES) {
            throw invalid("numImages must be a whole number from 1 to " + MAX_IMAGES + ", not " + shown(node));
        }
        return n;
    }

    private static <T> T choice(JsonNode node, String name, T fallback, java.util.function.Function<String, T> lookup,
            String allowed) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        T value = node.isTextual() ? lookup.apply(node.asText()) : null;
        if (value == null) {
            throw invalid(name + " must be one of " + allowed + ", not " + shown(node));
        }
        return value;
    }

    /** The value as JSON, cut short: a message never echoes a long value whole. */
    private static String shown(JsonNode node) {
        String text = node.toString();
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    private static BadRequestException invalid(String message) {
        return new BadRequestException("invalid_parameter", message);
    }
}
