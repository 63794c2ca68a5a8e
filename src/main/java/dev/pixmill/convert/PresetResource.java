package dev.pixmill.convert;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.pixmill.engine.ImageFormat;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Arrays;
import java.util.List;

/** The platform presets usable as {@code optimize_for} (and {@code preset} on resize). */
@Path("/api/v1/presets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Conversion")
public class PresetResource {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PresetView(String name, int width, int height, String outputFormat) {
    }

    public record Presets(List<PresetView> presets) {
    }

    @GET
    @Operation(summary = "List the platform presets")
    public Presets list() {
        return new Presets(Arrays.stream(Preset.values())
                .map(p -> new PresetView(p.id(), p.width(), p.height(), p.format().map(ImageFormat::extension).orElse(null)))
                .toList());
    }
}
