package dev.pixmill.jobs;

import dev.pixmill.engine.EngineResult;

/** How a run of claimed work ended: a result to keep as the row's output, or a failure to record. */
public sealed interface WorkOutcome {

    /** @param inputBytes bytes the work read (for the bytes-in metric; 0 for work without an input image) */
    record Completed(EngineResult result, long inputBytes) implements WorkOutcome {
    }

    /** @param message public: it is shown to the row's owner */
    record Failed(String code, String message) implements WorkOutcome {
    }

    static WorkOutcome failed(String code, String message) {
        return new Failed(code, message);
    }
}
