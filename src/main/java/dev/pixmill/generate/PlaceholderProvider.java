package dev.pixmill.generate;

import dev.pixmill.engine.EngineExecutor;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageFormat;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The offline provider, the default: a deterministic stylised picture ({@link PlaceholderRenderer})
 * rendered on the engine pool, whose alt text says it is a placeholder.
 */
@ApplicationScoped
public class PlaceholderProvider implements ImageProvider {

    public static final String NAME = "placeholder";

    @Inject
    EngineExecutor executor;

    @Inject
    GenerateConfig config;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String alt(GenerationParams image) {
        return AltText.placeholder(image.style(), image.prompt());
    }

    @Override
    public Uni<EngineResult> generate(GenerationParams image) {
        return executor.submitClaimed(() -> new EngineResult(PlaceholderRenderer.render(image.prompt(), image.style(),
                image.width(), image.height(), image.index(), config.jpegQuality()), ImageFormat.JPEG, image.width(),
                image.height()));
    }
}
