package dev.pixmill.tasks;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.pixmill.jobs.Conversion;
import dev.pixmill.jobs.ConversionStatus;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.Set;

/**
 * The task document: times in epoch seconds (null until they happen), the result once it
 * succeeded, and the state in the dialect's numbers. {@code state_detail} appears only when failed.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TaskView(String taskId, Long createdAt,
        @Schema(description = "When a worker started it; null while queued") Long processedAt,
        @Schema(description = "When it ended (succeeded or failed)") Long completedAt,
        @Schema(description = "Absolute URL valid 1 hour (return_type 1) or base64 bytes (2); null unless state 1")
        String image,
        @Schema(description = "0 queued, 10 processing, 100 ended") int progress,
        @Schema(description = "1 succeeded; 2 queued; 3 processing; -1 processing error, -5 timeout, "
                + "-7 invalid image file, -8 image too large") int state,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "Why it failed; only when state < 0")
        String stateDetail) {

    public static final int SUCCEEDED = 1;
    public static final int QUEUED = 2;
    public static final int PROCESSING = 3;
    public static final int FAILED = -1;
    public static final int TIMEOUT = -5;
    public static final int INVALID_IMAGE = -7;
    public static final int TOO_LARGE = -8;

    private static final Set<String> INVALID_CODES = Set.of("invalid_image", "unsupported_format");
    private static final Set<String> TOO_LARGE_CODES = Set.of("image_too_large", "file_too_large");

    static TaskView of(Conversion c, String image) {
        int state = state(c);
        int progress = switch (state) {
            case SUCCEEDED -> 100;
            case QUEUED -> 0;
            case PROCESSING -> Math.min(c.progress, 99);
            default -> c.progress;
        };
        return new TaskView(c.id.toString(), seconds(c.createdAt), seconds(c.startedAt), seconds(c.completedAt),
                state == SUCCEEDED ? image : null, progress, state,
                state < 0 ? (c.errorMessage != null ? c.errorMessage : "the task failed") : null);
    }

    static int state(Conversion c) {
        return switch (c.status) {
            case COMPLETED -> SUCCEEDED;
            case PENDING -> QUEUED;
            case PROCESSING -> PROCESSING;
            case FAILED -> failure(c.errorCode);
        };
    }

    /** The dialect's failure numbers for the engine's error codes; anything unforeseen is a processing error. */
    static int failure(String errorCode) {
        if ("timeout".equals(errorCode)) {
            return TIMEOUT;
        }
        if (INVALID_CODES.contains(errorCode)) {
            return INVALID_IMAGE;
        }
        if (TOO_LARGE_CODES.contains(errorCode)) {
            return TOO_LARGE;
        }
        return FAILED;
    }

    private static Long seconds(Instant t) {
        return t == null ? null : t.getEpochSecond();
    }

    static boolean succeeded(Conversion c) {
        return c.status == ConversionStatus.COMPLETED;
    }
}
