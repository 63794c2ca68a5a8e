package dev.pixmill.convert;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.pixmill.jobs.Conversion;
import dev.pixmill.jobs.ConversionService;
import dev.pixmill.jobs.ConversionStatus;
import dev.pixmill.jobs.JobService;

import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The job document of the conversion API. Item download links are absolute (batch clients pass
 * them straight to an HTTP GET); the ZIP link is a path, as in the contract.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(String jobId, String status, int totalFiles, int completedFiles, int failedFiles,
        List<Item> items, String zipUrl, String expiresAt) {

    /** One item; {@code download_url} only once completed, {@code error_message} null unless failed. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(String id, String filename, String status, int progress, String outputFormat,
            String downloadUrl, Long inputSize, Long outputSize, Integer width, Integer height,
            @JsonInclude(JsonInclude.Include.ALWAYS) String errorMessage) {

        static Item of(Conversion c, String baseUrl) {
            boolean completed = c.status == ConversionStatus.COMPLETED;
            return new Item(c.id.toString(), ConversionService.resultFilename(c.inputFilename, c.outputFormat),
                    c.status.dbValue(), c.progress, c.outputFormat,
                    completed ? baseUrl + "/api/v1/download/" + c.downloadToken : null, c.inputSize,
                    completed ? c.outputSize : null, completed ? c.outputWidth : null,
                    completed ? c.outputHeight : null, c.status == ConversionStatus.FAILED ? c.errorMessage : null);
        }
    }

    /** {@code baseUrl}: scheme and authority the links start with, without a trailing slash. */
    public static JobView of(JobService.Snapshot s, String baseUrl) {
        var job = s.job();
        return new JobView(job.id.toString(), job.status, job.totalFiles, job.completedFiles, job.failedFiles,
                s.items().stream().map(c -> Item.of(c, baseUrl)).toList(), "/api/v1/jobs/" + job.id + "/zip",
                job.expiresAt == null ? null : job.expiresAt.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** The 202 answer to a new batch. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Accepted(String jobId, String status, int totalFiles) {
    }
}
