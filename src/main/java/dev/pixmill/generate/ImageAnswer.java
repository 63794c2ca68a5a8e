package dev.pixmill.generate;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One image of the answer: where it will be, and what it shows. */
@io.quarkus.runtime.annotations.RegisterForReflection
@Schema(description = "One image to be: its URL (GET it to wait for it, then to have it) and its alt text")
public record ImageAnswer(
        @Schema(description = "Absolute URL of the JPEG; the query names its size",
                example = "http://localhost:8080/api/image/Xy3...Q.jpg?width=1024&height=1024") String url,
        @Schema(description = "A one-sentence description of the image",
                example = "Photo of a lighthouse at dusk.") String alt) {
}
