package dev.pixmill.jobs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import io.quarkus.runtime.configuration.MemorySize;

import java.time.Duration;
import java.util.Optional;

/** How conversions are queued, leased, retried and kept. */
@ConfigMapping(prefix = "pixmill.jobs")
public interface JobsConfig {

    /**
     * false: this replica serves requests and queues work but never claims any (an API-only
     * replica; other replicas run the conversions).
     */
    @WithDefault("true")
    boolean workerEnabled();

    /**
     * How long a claim is valid without renewal; a replica that dies loses its claims after this.
     * Running work renews its lease every third of it (one statement for all of a replica's
     * jobs), so a job may run far longer; a replica cut off from the database for longer than this
     * loses its jobs to the others, and its results are then not stored.
     */
    @WithDefault("15S")
    Duration lease();

    /** How long a stopping replica lets running conversions finish before giving them back. */
    @WithDefault("10S")
    Duration shutdownGrace();

    /** A job whose lease expired this many times is failed rather than retried again. */
    @WithDefault("3")
    int maxAttempts();

    /** Fallback poll for work, in case a NOTIFY was missed (normal start latency is a few ms). */
    @WithDefault("1S")
    Duration pollInterval();

    /**
     * How often an open SSE stream re-reads its conversion even without a notification; a
     * safety net only, changes normally arrive by NOTIFY within milliseconds.
     */
    @WithDefault("2S")
    Duration statusRecheck();

    /** How long results (and their rows) are kept after completion. */
    @WithDefault("1H")
    Duration retention();

    /** Pending conversions (all replicas) above which new ones are refused with 503. */
    @WithDefault("2000")
    int maxPending();

    /**
     * Input bytes held in memory at once while uploads and fetched files are taken in; default a
     * quarter of the maximum heap, at most 64 MB. Requests over it are refused with 503 and Retry-After.
     */
    Optional<MemorySize> intakeBudget();

    /**
     * How often expired leases are re-queued (with a NOTIFY, so idle workers anywhere claim them at
     * once) and expired results purged. A dead replica's work runs again within lease + this.
     */
    @WithDefault("5s")
    String sweepEvery();
}
