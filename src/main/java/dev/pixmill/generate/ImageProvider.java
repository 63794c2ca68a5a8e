package dev.pixmill.generate;

import dev.pixmill.engine.EngineResult;
import io.smallrye.mutiny.Uni;

/** Who makes generated images. Chosen by {@code pixmill.generate.provider}; the name is stored with each image. */
public interface ImageProvider {

    String name();

    /** Throws (stopping the start-up) when its configuration cannot work; called for the configured provider. */
    default void checkConfiguration() {
    }

    /** The one-sentence alt text of the image it will make (the answer goes out before the image exists). */
    String alt(GenerationParams image);

    /**
     * Makes the image: a JPEG of exactly the requested size. Fails with {@link ProviderFailure}
     * when the provider itself failed (its words go to the image's error), with
     * {@link dev.pixmill.error.ServiceBusyException} when the engine is full (the job is given
     * back), with anything else for an internal fault.
     */
    Uni<EngineResult> generate(GenerationParams image);
}
