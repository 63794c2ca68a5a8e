package dev.pixmill.jobs;

import dev.pixmill.engine.EngineExecutor;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageInfo;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.error.NotFoundException;
import dev.pixmill.error.ServiceBusyException;
import dev.pixmill.security.Tokens;
import dev.pixmill.storage.BlobStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

/**
 * The conversion life cycle every dialect builds on: submit an input, follow its status, fetch
 * its result. Inputs are probed (format and header limits) before they are queued, so a bad
 * input is refused at once with the right error instead of failing later in the queue.
 */
@ApplicationScoped
public class ConversionService {

    static final int MAX_FILENAME = 200;

    /** A finished result ready to be sent: its bytes come as a stream of pieces. */
    public record Result(Conversion conversion, String contentType, long size, Multi<Buffer> body, String filename) {
    }

    @Inject
    ConversionQueue queue;

    @Inject
    ConversionRepository conversions;

    @Inject
    BlobStore blobs;

    @Inject
    ImageEngine engine;

    @Inject
    EngineExecutor executor;

    @Inject
    ConversionWorker worker;

    @Inject
    ChangeStream changes;

    @Inject
    JobsConfig config;

    /**
     * What a dialect queues for an input once it knows what the input is: the engine's parameters,
     * the cost in credits, the dialect's own options and the URL to call when it ends (each may be null).
     */
    public record Plan(ConversionParams params, Integer credits, String dialectOptions, String webhookUrl) {

        public Plan(ConversionParams params, Integer credits, String dialectOptions) {
            this(params, credits, dialectOptions, null);
        }
    }

    /**
     * Queues one conversion. {@code params} may depend on what the input turned out to be (e.g.
     * "keep the input format"), so it is computed after the probe.
     */
    public Uni<Conversion> submit(String owner, String kind, byte[] input, String filename, ImageLimits limits,
            Function<ImageInfo, ConversionParams> params) {
        return submitPlanned(owner, kind, input, filename, limits, info -> new Plan(params.apply(info), null, null));
    }

    /** As {@link #submit}, for dialects that also record a cost or options of their own; may throw to refuse. */
    public Uni<Conversion> submitPlanned(String owner, String kind, byte[] input, String filename, ImageLimits limits,
            Function<ImageInfo, Plan> plan) {
        return queue.countPending()
                .invoke(pending -> {
                    if (pending >= config.maxPending()) {
                        throw new ServiceBusyException("too many conversions are waiting; retry shortly", 5);
                    }
                })
                .chain(() -> executor.submit(() -> engine.probe(input, limits)))
                .chain(info -> {
                    Plan p = plan.apply(info);
                    var conversion = new ConversionQueue.NewConversion(UUID.randomUUID(), owner, kind, p.params(),
                            boundedFilename(filename), info, input, p.credits(), p.dialectOptions(), p.webhookUrl());
                    return queue.enqueue(conversion).replaceWith(pendingView(conversion));
                })
                .invoke(worker::pump);
    }

    public Uni<Conversion> status(UUID id, String owner) {
        return conversions.findOwned(id, owner)
                .onItem().ifNull().failWith(() -> new NotFoundException("not_found", "no conversion " + id));
    }

    /** The conversion's states from now until it ends (see {@link ChangeStream}). */
    public Multi<Conversion> watch(UUID id, String owner) {
        return changes.follow(id, () -> status(id, owner), c -> c.status + "/" + c.progress, c -> c.status.terminal());
    }

    public Uni<Result> download(String token) {
        return conversions.findDownloadable(token)
                .onItem().ifNull().failWith(() -> new NotFoundException("not_found", "unknown or expired download"))
                .chain(c -> blobs.info(c.id, BlobStore.Role.OUTPUT)
                        .onItem().ifNull().failWith(() -> new NotFoundException("not_found", "unknown or expired download"))
                        .map(blob -> new Result(c, blob.contentType(), blob.size(),
                                blobs.stream(c.id, BlobStore.Role.OUTPUT, blob), resultFilename(c))));
    }

    /** The result bytes of a completed conversion, piece by piece, read as they are asked for. */
    public Multi<Buffer> resultBody(Conversion completed) {
        return blobs.stream(completed.id, BlobStore.Role.OUTPUT);
    }

    /**
     * Keeps the result of a conversion that ran at request time, for a later download through
     * {@link #downloadOnce}. Answers the stored row (its download token included).
     */
    public Uni<Conversion> storeFinished(String owner, String kind, String filename, ImageInfo input, long inputSize,
            EngineResult result, Duration retention) {
        var finished = new ConversionQueue.Finished(UUID.randomUUID(), owner, kind, boundedFilename(filename), input,
                inputSize, result, Tokens.downloadToken(), retention);
        return queue.insertFinished(finished).map(v -> {
            Conversion c = new Conversion();
            c.id = finished.id();
            c.owner = owner;
            c.kind = kind;
            c.status = ConversionStatus.COMPLETED;
            c.inputFilename = finished.inputFilename();
            c.inputFormat = input.format().extension();
            c.inputSize = inputSize;
            c.outputFormat = result.format().extension();
            c.outputSize = (long) result.bytes().length;
            c.outputWidth = result.width();
            c.outputHeight = result.height();
            c.progress = 100;
            c.downloadToken = finished.downloadToken();
            c.completedAt = Instant.now();
            c.expiresAt = c.completedAt.plus(retention);
            return c;
        });
    }

    /**
     * A download that works once: the first request (on any replica) takes the result, every
     * later one is a 404; the row and its bytes are deleted when the transfer ends, however it ends.
     */
    public Uni<Result> downloadOnce(String token, String kind) {
        return queue.takeDownload(token, kind)
                .onItem().ifNull()
                .failWith(() -> new NotFoundException("not_found", "unknown, expired or already downloaded"))
                .chain(taken -> blobs.info(taken.id(), BlobStore.Role.OUTPUT)
                        .onItem().ifNull()
                        .failWith(() -> new NotFoundException("not_found", "unknown or expired download"))
                        .map(blob -> {
                            Conversion c = new Conversion();
                            c.id = taken.id();
                            c.outputFormat = taken.outputFormat();
                            c.inputFilename = taken.inputFilename();
                            Multi<Buffer> body = blobs.stream(taken.id(), BlobStore.Role.OUTPUT, blob)
                                    .onTermination().call((failure, cancelled) -> queue.delete(taken.id()));
                            return new Result(c, blob.contentType(), blob.size(), body, resultFilename(c));
                        }));
    }

    /**
     * Client-given names are kept for the download's name, but not at any length: the last path
     * segment (browsers may send a client path), its stem shortened, its extension kept, never
     * cut inside a character.
     */
    public static String boundedFilename(String filename) {
        if (filename == null) {
            return null;
        }
        String name = filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
        if (name.length() <= MAX_FILENAME) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
        int cut = MAX_FILENAME - extension.length();
        if (Character.isHighSurrogate(name.charAt(cut - 1))) {
            cut--;
        }
        return name.substring(0, cut) + extension;
    }

    /** {@code photo.png} converted to webp downloads as {@code photo.webp}. */
    static String resultFilename(Conversion c) {
        // stored names are bare already (boundedFilename drops client paths)
        return resultFilename(c.inputFilename, c.outputFormat);
    }

    /** The input's stem (or {@code image}) with the result's extension. */
    public static String resultFilename(String inputFilename, String extension) {
        String stem = inputFilename == null || inputFilename.isBlank() ? "image" : inputFilename;
        int dot = stem.lastIndexOf('.');
        if (dot > 0) {
            stem = stem.substring(0, dot);
        }
        return (stem.isBlank() ? "image" : stem) + "." + extension;
    }

    private static Conversion pendingView(ConversionQueue.NewConversion c) {
        Conversion view = new Conversion();
        view.id = c.id();
        view.owner = c.owner();
        view.kind = c.kind();
        view.status = ConversionStatus.PENDING;
        view.inputFilename = c.inputFilename();
        view.inputFormat = c.input().format().extension();
        view.inputSize = c.inputBytes().length;
        view.outputFormat = c.params().output().extension();
        view.credits = c.credits();
        view.dialectOptions = c.dialectOptions();
        return view;
    }
}
