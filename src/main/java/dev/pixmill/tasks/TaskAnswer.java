package dev.pixmill.tasks;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The envelope of every answer of the dialect: {@code {"status": 200, "message": "success",
 * "data": ...}}. Errors have the same shape with their HTTP code and {@code data: null}
 * ({@link dev.pixmill.web.Dialect#TASKS}).
 */
// the data's type is not in the resource signatures (TaskAnswer<?>), and StoredOptions is written by hand
@RegisterForReflection(targets = { TaskAnswer.class, TaskAnswer.Created.class, TaskView.class,
        TasksService.StoredOptions.class })
public record TaskAnswer<T>(int status, String message, T data) {

    public static <T> TaskAnswer<T> success(T data) {
        return new TaskAnswer<>(200, "success", data);
    }

    /** The data of an asynchronous create. */
    public record Created(@JsonProperty("task_id") String taskId) {
    }

    // The shapes below only describe answers in the OpenAPI document.

    @Schema(name = "TaskCreatedAnswer")
    public record CreatedDoc(@Schema(example = "200") int status, @Schema(example = "success") String message,
            Created data) {
    }

    @Schema(name = "TaskAnswer")
    public record TaskDoc(@Schema(example = "200") int status, @Schema(example = "success") String message,
            TaskView data) {
    }

    @Schema(name = "TaskError")
    public record ErrorDoc(@Schema(example = "400") int status,
            @Schema(example = "give quality or kbyte, not both") String message,
            @Schema(nullable = true, description = "always null") Object data) {
    }
}
