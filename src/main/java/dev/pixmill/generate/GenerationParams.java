package dev.pixmill.generate;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One image to make, stored with its job as JSON so that any replica can make it. The provider is
 * the one the answer was given for (its alt text already went out).
 *
 * @param index the image's place in its request (0-based): images of one request differ
 */
@RegisterForReflection
public record GenerationParams(String prompt, Style style, int width, int height, Model model, String provider,
        int index) {

    public ImageSize size() {
        return new ImageSize(width, height);
    }
}
