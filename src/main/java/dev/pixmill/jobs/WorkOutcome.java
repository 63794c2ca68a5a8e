package dev.pixmill.jobs;

import dev.pixmill.engine.EngineResult;
import dev.pixmill.storage.ResultCache;

/** How a run of claimed work ended: a result to keep as the row's output, or a failure to record. */
public sealed interface WorkOutcome {

    /**
     * @param inputBytes bytes the work read (for the bytes-in metric; 0 for work without an input image)
     * @param cacheKey the work's {@link dev.pixmill.engine.OperationKey}, to enter the result in the
     *        result cache with; null for work that is not cached
     */
    record Completed(EngineResult result, long inputBytes, String cacheKey) implements WorkOutcome {
        public Completed(EngineResult result, long inputBytes) {
            this(result, inputBytes, null);
        }
    }

    /** The same work was done before: the row's output is the cache entry's result, nothing ran. */
    record Cached(ResultCache.Entry entry, long inputBytes) implements WorkOutcome {
    }

    /** @param message public: it is shown to the row's owner */
    record Failed(String code, String message) implements WorkOutcome {
    }

    static WorkOutcome failed(String code, String message) {
        return new Failed(code, message);
    }
}
