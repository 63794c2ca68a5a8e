package dev.pixmill.convert;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.pixmill.jobs.Conversion;
import dev.pixmill.jobs.ConversionStatus;

import java.time.temporal.ChronoUnit;

/**
 * The status document of the conversion API. Download fields appear only once completed;
 * {@code error_message} is always present, null unless the conversion failed.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConversionStatusView(String id, String status, String outputFormat, Integer progress, Long inputSize,
        Long outputSize, Integer width, Integer height, String downloadUrl, String downloadToken, String expiresAt,
        @JsonInclude(JsonInclude.Include.ALWAYS) String errorMessage) {

    public static ConversionStatusView of(Conversion c) {
        boolean completed = c.status == ConversionStatus.COMPLETED;
        return new ConversionStatusView(c.id.toString(), c.status.dbValue(), c.outputFormat, c.progress, c.inputSize,
                completed ? c.outputSize : null,
                completed ? c.outputWidth : null,
                completed ? c.outputHeight : null,
                completed ? "/api/v1/download/" + c.downloadToken : null,
                completed ? c.downloadToken : null,
                c.expiresAt == null ? null : c.expiresAt.truncatedTo(ChronoUnit.SECONDS).toString(),
                c.status == ConversionStatus.FAILED ? c.errorMessage : null);
    }

    /** The 202 answer to a new conversion. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Accepted(String id, String status, String outputFormat) {
        public static Accepted of(Conversion c) {
            return new Accepted(c.id.toString(), c.status.dbValue(), c.outputFormat);
        }
    }
}
