package dev.pixmill.jobs;

import io.smallrye.mutiny.Uni;

import java.util.Set;

/**
 * Runs the claimed rows of some kinds of work. {@link ConversionWorker} looks the handler up by the
 * row's kind; a row of a kind no handler runs is failed. The worker owns everything around the
 * run: claims, leases and their renewal, recording the outcome under the newest lease, giving
 * work back when the replica stops or the engine is busy.
 */
public interface WorkHandler {

    /** The row kinds it runs; no two handlers share one. */
    Set<String> kinds();

    /**
     * Jobs of these kinds one replica runs at once on slots of their own. 0 (the default): on the
     * engine's slots, one per engine worker, shared with the other such handlers, and left to
     * request-time work that waits for the engine. Work that mostly waits on something else (a
     * remote service) takes its own slots rather than holding engine threads idle.
     */
    default int slots() {
        return 0;
    }

    /**
     * Runs one claimed row. Its item is the outcome to record (a failure of the work itself is a
     * {@link WorkOutcome.Failed}); a failed Uni means the work could not be run or its result not
     * kept (storage trouble): the row is then left to lease recovery, except for
     * {@link dev.pixmill.error.ServiceBusyException}, which gives it back to the queue at once.
     */
    Uni<WorkOutcome> run(ConversionQueue.Claimed job);

    /**
     * Told after the outcome was written ({@code stored}: under a lease that still held, i.e. the
     * row took it); for metrics. Called on whatever thread recorded it; keep it cheap.
     */
    default void recorded(ConversionQueue.Claimed job, WorkOutcome outcome, boolean stored, long nanos) {
    }
}
