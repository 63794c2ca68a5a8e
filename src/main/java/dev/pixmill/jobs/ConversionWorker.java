package dev.pixmill.jobs;

import dev.pixmill.engine.EngineExecutor;
import dev.pixmill.error.ServiceBusyException;
import dev.pixmill.security.Tokens;
import dev.pixmill.storage.ResultCache;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Pulls work from the shared queue and runs it through the {@link WorkHandler} of each row's kind
 * (an image conversion, a generated image, ...). Work on the engine's slots is never claimed
 * beyond the free engine threads, so claimed work starts at once and the rest stays pending for
 * other replicas; request-time work waiting for the engine (a client waits for it) takes a slot
 * first: the worker leaves as many slots unclaimed, and claims them once that work has started.
 * A handler with slots of its own is claimed for up to those. It wakes on NOTIFY (any replica
 * enqueued), after each finished job, and on a slow fallback poll; it renews the leases of
 * running jobs and gives unfinished ones back when the replica stops. A row of a kind no handler
 * runs is failed.
 */
@ApplicationScoped
public class ConversionWorker {

    private static final Logger LOG = Logger.getLogger(ConversionWorker.class);

    @Inject
    ConversionQueue queue;

    @Inject
    EngineExecutor executor;

    @Inject
    ConversionEvents events;

    @Inject
    JobsConfig config;

    @Inject
    Vertx vertx;

    @Inject
    @Any
    Instance<WorkHandler> handlerBeans;

    /**
     * Where claimed work runs: the engine's slots (every kind without slots of its own, and kinds
     * no handler runs, which fail at once), or a handler's own.
     */
    private record Lane(String name, ConversionQueue.KindFilter filter, int ownSlots) {
        boolean engine() {
            return ownSlots == 0;
        }
    }

    private final String workerId = workerIdentity();
    private final Map<UUID, ConversionQueue.Claimed> running = new ConcurrentHashMap<>();
    /** Pump requests not yet served; only the caller that raises it from 0 runs claim rounds. */
    private final AtomicInteger pumpRequests = new AtomicInteger();
    /** Claim statements sent and not answered yet; a stopping worker waits for them. */
    private final AtomicInteger claimsInFlight = new AtomicInteger();
    /** Jobs given back at shutdown while still running: their late outcome is not recorded. */
    private final Set<UUID> givenBack = ConcurrentHashMap.newKeySet();
    /** Leases a renewal found gone (expired and recovered): told once and not renewed again. */
    private final Set<String> lostLeases = ConcurrentHashMap.newKeySet();
    /** Jobs whose outcome is being written: the write itself ends the lease, which is no loss. */
    private final Set<UUID> recording = ConcurrentHashMap.newKeySet();
    /** A renewal is in flight: the next tick or retry waits for it instead of racing it. */
    private final AtomicBoolean renewing = new AtomicBoolean();
    private volatile boolean renewals;
    private Map<String, WorkHandler> handlers = Map.of();
    private List<Lane> lanes = List.of();
    private volatile boolean accepting;
    private volatile boolean started;
    private volatile boolean stopped;
    /** A round left slots to waiting request work; claim them once it has started. */
    private volatile boolean yielded;
    private long pollTimer = -1;
    private long renewTimer = -1;

    @PostConstruct
    void findHandlers() {
        Map<String, WorkHandler> byKind = new HashMap<>();
        List<Lane> own = new ArrayList<>();
        Set<String> ownKinds = new HashSet<>();
        for (WorkHandler handler : handlerBeans) {
            for (String kind : handler.kinds()) {
                WorkHandler other = byKind.put(kind, handler);
                if (other != null) {
                    throw new IllegalStateException("two handlers run work of kind " + kind);
                }
            }
            if (handler.slots() > 0) {
                own.add(new Lane(String.join(",", new TreeSet<>(handler.kinds())),
                        ConversionQueue.KindFilter.only(handler.kinds()), handler.slots()));
                ownKinds.addAll(handler.kinds());
            }
        }
        List<Lane> all = new ArrayList<>();
        all.add(new Lane("engine", ConversionQueue.KindFilter.except(ownKinds), 0));
        all.addAll(own);
        handlers = Map.copyOf(byKind);
        lanes = List.copyOf(all);
    }

    void start(@Observes @Priority(100) StartupEvent event) {
        if (!config.workerEnabled()) {
            LOG.info("conversion worker disabled (pixmill.jobs.worker-enabled=false): this replica runs no conversions");
            return;
        }
        accepting = true;
        started = true;
        events.onWorkAvailable(this::pump);
        executor.onRequestWorkDone(() -> {
            if (yielded) {
                pump();
            }
        });
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            // a SIGTERM first lets HTTP requests in flight finish (quarkus.shutdown.timeout) and
            // only then fires ShutdownEvent; JVM hooks run at once and side by side, so this one
            // stops the claiming from the signal on, and jobs running get that drain as well
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (accepting) {
                    accepting = false;
                    LOG.infof("shutting down: the worker claims no more work; %d job(s) running", running.size());
                }
            }, "pixmill-worker-stop-claiming"));
        }
        pollTimer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> pump());
        // three renewals per lease: a lease survives two that fail (the database away for a moment)
        renewals = true;
        renewTimer = vertx.setPeriodic(renewEvery(), id -> renewLeases());
        pump();
    }

    /**
     * Stops claiming, lets running jobs finish for a grace period, then gives the rest back. First
     * of the shutdown observers (the webhook sender may still send what finishes meanwhile), and
     * before the database pool closes, which happens after all of them.
     */
    void stop(@Observes @Priority(10) ShutdownEvent event) {
        if (!started || stopped) {
            return;
        }
        stopped = true;
        accepting = false;
        vertx.cancelTimer(pollTimer);
        Duration grace = config.shutdownGrace();
        int atStart = running.size();
        LOG.infof("conversion worker stopping: %d job(s) running, given up to %d ms to finish", atStart,
                grace.toMillis());
        long deadline = System.nanoTime() + grace.toNanos();
        // a claim already sent to the database is waited for too: what it brings is given back
        while ((!running.isEmpty() || claimsInFlight.get() > 0) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        renewals = false;
        vertx.cancelTimer(renewTimer);
        List<ConversionQueue.Claimed> unfinished = List.copyOf(running.values());
        int gaveBack = 0;
        for (ConversionQueue.Claimed job : unfinished) {
            // whatever the engine still makes of it is not recorded: the next claim runs it afresh
            givenBack.add(job.id());
            try {
                queue.release(job).await().atMost(Duration.ofSeconds(5));
                gaveBack++;
                LOG.infof("gave %s %s back to the queue at shutdown", job.kind(), job.id());
            } catch (RuntimeException e) {
                LOG.warnf("could not give %s %s back (its lease will expire): %s", job.kind(), job.id(), e.getMessage());
            }
        }
        LOG.infof("conversion worker stopped: %d job(s) finished during the grace, %d given back",
                atStart - unfinished.size(), gaveBack);
    }

    /** Asks for a claim round. Safe to call from anywhere, any time; never runs two rounds at once. */
    public void pump() {
        if (pumpRequests.getAndIncrement() == 0) {
            claimRound();
        }
    }

    /** One claim per lane that has free slots, one after the other. */
    private void claimRound() {
        int served = pumpRequests.get();
        if (!accepting) {
            endRound(served);
            return;
        }
        Uni<Boolean> round = Uni.createFrom().item(false);
        for (Lane lane : lanes) {
            round = round.chain(adopted -> claim(lane).map(more -> adopted || more));
        }
        round.subscribe().with(adopted -> {
            if (adopted) {
                pump();
            }
            endRound(served);
        }, failure -> {
            LOG.warnf("claiming work failed: %s", failure.getMessage());
            endRound(served);
        });
    }

    /** Claims what fits in the lane's free slots; true if a claim was adopted (its slot is offered again). */
    private Uni<Boolean> claim(Lane lane) {
        int free;
        if (lane.engine()) {
            int waiting = executor.waitingRequests();
            free = executor.workers() - runningIn(lane) - waiting;
            yielded = waiting > 0;
        } else {
            free = lane.ownSlots() - runningIn(lane);
        }
        if (free <= 0) {
            return Uni.createFrom().item(false);
        }
        claimsInFlight.incrementAndGet();
        return queue.claim(workerId, free, lane.filter()).chain(claimed -> {
            if (!accepting) {
                // the claim crossed the start of shutdown: nothing of it starts here
                return giveBack(claimed).replaceWith(false);
            }
            boolean adopted = false;
            for (ConversionQueue.Claimed job : claimed) {
                // the same job may still be running here under an older lease that expired (this
                // replica won it again): the running attempt adopts the new lease and records its
                // result under it, rather than a second run starting or the claim being given back;
                // the adopted claim's try does not count, and its slot is offered again
                if (running.put(job.id(), job) == null) {
                    run(job);
                } else {
                    adopted = true;
                    queue.undoAttempt(job).subscribe().with(v -> { }, e -> LOG.debugf("undo failed: %s", e.getMessage()));
                }
            }
            return Uni.createFrom().item(adopted);
        }).onFailure().recoverWithItem(failure -> {
            LOG.warnf("claiming work (%s) failed: %s", lane.name(), failure.getMessage());
            return false;
        }).onTermination().invoke(claimsInFlight::decrementAndGet);
    }

    private Uni<Void> giveBack(List<ConversionQueue.Claimed> claimed) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (ConversionQueue.Claimed job : claimed) {
            chain = chain.chain(() -> queue.release(job).invoke(() -> LOG.infof(
                    "gave %s %s back to the queue at shutdown (claimed as it began)", job.kind(), job.id())));
        }
        return chain;
    }

    private int runningIn(Lane lane) {
        int n = 0;
        for (ConversionQueue.Claimed job : running.values()) {
            if (lane.filter().admits(job.kind())) {
                n++;
            }
        }
        return n;
    }

    /** Another round if pump() was called while this one ran (a slot may have been freed). */
    private void endRound(int served) {
        if (pumpRequests.addAndGet(-served) != 0) {
            claimRound();
        }
    }

    private void run(ConversionQueue.Claimed job) {
        long started = System.nanoTime();
        AtomicReference<ConversionQueue.Claimed> used = new AtomicReference<>(job);
        WorkHandler handler = handlers.get(job.kind());
        Uni<WorkOutcome> work = handler == null
                ? Uni.createFrom().item(WorkOutcome.failed("unknown_kind",
                        "no worker of this version runs work of kind '" + job.kind() + "'"))
                : Uni.createFrom().deferred(() -> handler.run(job));
        if (handler == null) {
            LOG.errorf("%s has kind '%s', which no handler runs; failing it", job.id(), job.kind());
        }
        work.chain(outcome -> {
                    if (givenBack.contains(job.id())) {
                        return Uni.createFrom().voidItem();
                    }
                    recording.add(job.id());
                    return record(job, used, c -> switch (outcome) {
                        case WorkOutcome.Completed done -> queue.complete(c, done.result(), Tokens.downloadToken(),
                                done.cacheKey());
                        case WorkOutcome.Cached hit -> queue.completeFromCache(c, hit.entry(), Tokens.downloadToken());
                        case WorkOutcome.Failed failed -> queue.fail(c, failed.code(), failed.message());
                    }).invoke(stored -> {
                        if (!stored) {
                            LOG.warnf("%s %s ended here after its claim was lost (its lease ran out): this run's "
                                    + "outcome was not stored; the job's current holder records its own",
                                    job.kind(), job.id());
                        }
                        if (handler != null) {
                            handler.recorded(job, outcome, stored, System.nanoTime() - started);
                        }
                    }).replaceWithVoid();
                })
                // given back at shutdown: how the abandoned run ended does not matter
                .onFailure(e -> givenBack.contains(job.id())).recoverWithNull()
                .onFailure(ServiceBusyException.class).recoverWithUni(busy -> queue.release(current(job)))
                // evicted between lookup and use: given back, the next claim runs the work
                .onFailure(ResultCache.EntryGoneException.class).recoverWithUni(gone -> queue.release(current(job)))
                .onFailure().invoke(e -> LOG.errorf(e, "%s %s could not be recorded; its lease will expire "
                        + "and it will be retried", job.kind(), job.id()))
                .onTermination().invoke(() -> {
                    ConversionQueue.Claimed left = running.remove(job.id());
                    recording.remove(job.id());
                    lostLeases.remove(job.lease());
                    lostLeases.remove(used.get().lease());
                    if (left != null) {
                        lostLeases.remove(left.lease());
                    }
                    if (left != null && left != used.get()) {
                        // a claim that arrived too late to record under: give it back so it runs again
                        queue.release(left).subscribe().with(v -> { }, e -> LOG.debugf("release failed: %s", e.getMessage()));
                    }
                    pump();
                })
                .subscribe().with(ignored -> { }, ignored -> { });
    }

    /**
     * Records the outcome under the newest claim of the job; if a newer claim arrived while
     * writing (the write then matches nothing), once more under that one.
     */
    private Uni<Boolean> record(ConversionQueue.Claimed job, AtomicReference<ConversionQueue.Claimed> used,
            Function<ConversionQueue.Claimed, Uni<Boolean>> write) {
        ConversionQueue.Claimed first = current(job);
        used.set(first);
        return write.apply(first).chain(stored -> {
            ConversionQueue.Claimed newest = current(job);
            if (stored || newest == first) {
                return Uni.createFrom().item(stored);
            }
            used.set(newest);
            return write.apply(newest);
        });
    }

    /** The newest claim of a running job: its lease is the one that counts. */
    private ConversionQueue.Claimed current(ConversionQueue.Claimed job) {
        return running.getOrDefault(job.id(), job);
    }

    private long renewEvery() {
        return Math.max(100, config.lease().toMillis() / 3);
    }

    /**
     * The heartbeat: one statement renews the leases of all jobs running here. A claim it finds
     * gone (it ran out, e.g. in a long GC pause or a database outage, and was re-queued) is not
     * this replica's any more: the run goes on to its end, but its result is not stored, as every
     * write is fenced by the lease token (the next claim's holder records it). A failed renewal is
     * tried again soon (a quarter of the interval, at most 1 s), so a database away for a moment
     * costs no lease: with the defaults an outage of up to about 9 s.
     */
    private void renewLeases() {
        if (!renewals || running.isEmpty() || !renewing.compareAndSet(false, true)) {
            return;
        }
        List<ConversionQueue.Claimed> held = running.values().stream()
                .filter(c -> !lostLeases.contains(c.lease()) && !givenBack.contains(c.id())).toList();
        if (held.isEmpty()) {
            renewing.set(false);
            return;
        }
        queue.renew(held).subscribe().with(stillHeld -> {
            renewing.set(false);
            LOG.tracef("renewed %d of %d leases", stillHeld.size(), held.size());
            for (ConversionQueue.Claimed c : held) {
                // a job whose outcome is being written ends its lease itself: only one still running counts
                if (!stillHeld.contains(c.id()) && running.get(c.id()) == c && !recording.contains(c.id())
                        && lostLeases.add(c.lease())) {
                    LOG.warnf("%s %s lost its lease (it ran out and the job went back to the queue): this run "
                            + "goes on, but its result will not be stored", c.kind(), c.id());
                }
            }
        }, failure -> {
            renewing.set(false);
            long retry = Math.max(50, Math.min(1000, renewEvery() / 4));
            LOG.warnf("renewing %d lease(s) failed (tried again in %d ms): %s", held.size(), retry,
                    failure.getMessage());
            if (renewals) {
                vertx.setTimer(retry, id -> renewLeases());
            }
        });
    }

    /** Names a replica in lease_owner, so an operator can tell who held a job. */
    private static String workerIdentity() {
        String host = System.getenv().getOrDefault("HOSTNAME", "local");
        return host + "/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
