package dev.pixmill.jobs;

import dev.pixmill.engine.EngineExecutor;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageInfo;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.error.NotFoundException;
import dev.pixmill.error.PixmillException;
import dev.pixmill.error.ServiceBusyException;
import dev.pixmill.storage.BlobStore;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Batches: many inputs submitted as one job, followed and fetched together. A batch is created
 * whole or not at all (one transaction); its items are conversions of the one queue, so they are
 * claimed, leased, recovered and purged like single ones and replicas share a batch.
 */
@ApplicationScoped
public class JobService {

    /**
     * One input of a batch, read when its turn comes (so a batch never holds every input in
     * memory at once). {@code refused} is set when the input is known to be unusable before it is
     * read (a URL that could not be fetched, a file over the byte limit): it becomes a failed item.
     */
    public record Input(String filename, long size, Supplier<Uni<byte[]>> bytes, PixmillException refused) {

        public static Input of(String filename, long size, Supplier<Uni<byte[]>> bytes) {
            return new Input(filename, size, bytes, null);
        }

        public static Input refused(String filename, long size, PixmillException why) {
            return new Input(filename, size, null, why);
        }
    }

    /**
     * What a dialect submits: the job's owner and links, the inputs, and how each input is planned
     * once probed ({@code plan} may throw a 4xx exception for an input it cannot take: that item
     * fails, the others go on). {@code declaredOutput} names the format of items refused before any
     * plan could be made.
     */
    public record Batch(String owner, String kind, String baseUrl, String webhookUrl, ImageLimits limits,
            String declaredOutput, List<Input> inputs, Function<ImageInfo, ConversionService.Plan> plan) {
    }

    /** A job and its items, in their batch order. */
    public record Snapshot(Job job, List<Conversion> items) {
    }

    @Inject
    Pool pool;

    @Inject
    JobQueue jobs;

    @Inject
    ConversionQueue queue;

    @Inject
    BlobStore blobs;

    @Inject
    ConversionRepository conversions;

    @Inject
    ImageEngine engine;

    @Inject
    EngineExecutor executor;

    @Inject
    IntakeBudget intake;

    @Inject
    ConversionWorker worker;

    @Inject
    ChangeStream changes;

    @Inject
    JobsConfig config;

    /** Creates the job and all its items in one transaction; answers the new job's id. */
    public Uni<UUID> submit(Batch batch) {
        int n = batch.inputs().size();
        UUID id = UUID.randomUUID();
        var job = new JobQueue.NewJob(id, batch.owner(), n, batch.baseUrl(), batch.webhookUrl(), config.retention());
        return queue.countPending()
                .invoke(pending -> {
                    if (pending + n > config.maxPending()) {
                        throw new ServiceBusyException("too many conversions are waiting; retry shortly", 5);
                    }
                })
                .chain(() -> {
                    // inputs go to the store as they are taken in; if the batch is not created after all, they go again
                    List<BlobStore.Stored> written = new java.util.concurrent.CopyOnWriteArrayList<>();
                    return pool.withTransaction(tx -> jobs.insert(tx, job)
                                    .chain(() -> Multi.createFrom().range(0, n)
                                            // one input after the other: only one is in memory at a time
                                            .onItem().transformToUniAndConcatenate(i -> intake(tx, id, i, batch, written))
                                            .collect().asList())
                                    .chain(accepted -> jobs.closeIntake(tx, id,
                                            (int) accepted.stream().filter(ok -> !ok).count()))
                                    .chain(() -> queue.notifyWork(tx, id)))
                            .onFailure().call(() -> blobs.discardAll(written));
                })
                .invoke(worker::pump)
                .replaceWith(id);
    }

    /** One input: probed and queued (true), or stored as a failed item (false). */
    private Uni<Boolean> intake(SqlClient tx, UUID jobId, int position, Batch batch, List<BlobStore.Stored> written) {
        Input input = batch.inputs().get(position);
        UUID id = UUID.randomUUID();
        String filename = ConversionService.boundedFilename(input.filename());
        if (input.refused() != null) {
            return refuse(tx, jobId, position, batch, id, filename, input.size(), input.refused());
        }
        return intake.within(input.size(), () -> input.bytes().get()
                        .chain(bytes -> executor.submit(() -> engine.probe(bytes, batch.limits()))
                                .chain(info -> {
                                    ConversionService.Plan p = batch.plan().apply(info);
                                    var c = new ConversionQueue.NewConversion(id, batch.owner(), batch.kind(),
                                            p.params(), filename, info, bytes, p.credits(), p.dialectOptions(), null);
                                    return queue.insertPending(tx, c, jobId, position).invoke(written::add);
                                })))
                .replaceWith(true)
                .onFailure(JobService::itemFault)
                .recoverWithUni(e -> refuse(tx, jobId, position, batch, id, filename, input.size(),
                        (PixmillException) e));
    }

    private Uni<Boolean> refuse(SqlClient tx, UUID jobId, int position, Batch batch, UUID id, String filename,
            long size, PixmillException why) {
        var item = new JobQueue.RefusedItem(id, batch.owner(), batch.kind(), filename, size, batch.declaredOutput(),
                why.code(), why.getMessage());
        return jobs.insertRefused(tx, jobId, position, item).replaceWith(false);
    }

    /**
     * Faults of one input (not an image, over a limit, unreadable) fail that item; a busy engine,
     * a full intake budget or a server fault refuses the whole batch, which is then not created.
     */
    private static boolean itemFault(Throwable e) {
        return e instanceof PixmillException p && p.status() < 500;
    }

    @WithSession
    public Uni<Snapshot> find(UUID id, String owner) {
        return Job.<Job>find("id = ?1 and owner = ?2 and (expiresAt is null or expiresAt > current_timestamp)", id,
                        owner)
                .firstResult()
                .onItem().ifNull().failWith(() -> new NotFoundException("not_found", "no job " + id))
                .chain(job -> conversions.find("jobId = ?1 order by jobPosition", job.id).list()
                        .map(items -> new Snapshot(job, items)));
    }

    /**
     * The job's states from now until it ends: a new one whenever the job or any item changes
     * (every item change is signalled under the job's id, see migration V4).
     */
    public Multi<Snapshot> watch(UUID id, String owner) {
        return changes.follow(id, () -> find(id, owner), JobService::state, s -> s.job().ended());
    }

    private static String state(Snapshot s) {
        StringBuilder b = new StringBuilder(s.job().status);
        for (Conversion c : s.items()) {
            b.append('|').append(c.status).append('/').append(c.progress);
        }
        return b.toString();
    }
}
