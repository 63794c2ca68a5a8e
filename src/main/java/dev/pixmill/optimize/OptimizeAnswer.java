package dev.pixmill.optimize;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.pixmill.jobs.Conversion;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The {@code response=json} answer of the optimize dialect. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OptimizeAnswer(boolean success, long originalSize, long optimizedSize,
        @Schema(description = "One decimal; 0.0 when the original bytes were returned") BigDecimal savingsPercent,
        String outputFormat, String mimeType,
        @Schema(description = "Relative; works once, on any replica, until expires_at") String downloadUrl,
        @Schema(description = "UTC, yyyy-MM-dd HH:mm:ss") String expiresAt) {

    private static final DateTimeFormatter EXPIRY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    static OptimizeAnswer of(OptimizeService.Optimized optimized, Conversion kept) {
        return new OptimizeAnswer(true, optimized.originalSize(), optimized.optimizedSize(),
                new BigDecimal(optimized.savingsPercent()), optimized.result().format().extension(),
                optimized.result().format().mimeType(), "/api/v1/optimize/download/" + kept.downloadToken,
                EXPIRY.format(kept.expiresAt));
    }
}
