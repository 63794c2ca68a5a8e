package dev.pixmill.convert;

import dev.pixmill.accounts.UsageLimits;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.error.PayloadTooLargeException;
import dev.pixmill.error.PixmillException;
import dev.pixmill.fetch.Filenames;
import dev.pixmill.fetch.UrlFetcher;
import dev.pixmill.error.ConflictException;
import dev.pixmill.jobs.Conversion;
import dev.pixmill.jobs.ConversionService;
import dev.pixmill.jobs.ConversionStatus;
import dev.pixmill.web.ArchiveNames;
import dev.pixmill.web.StoredZip;
import dev.pixmill.web.StreamedDownload;
import dev.pixmill.webhooks.WebhookTargets;
import dev.pixmill.jobs.IntakeBudget;
import dev.pixmill.jobs.JobService;
import dev.pixmill.security.Caller;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.net.URI;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Batches of the conversion API: many uploads or URLs, one set of parameters, one job. What is
 * wrong with the request as a whole (no files, too many, a bad parameter, a URL that is not even
 * a URL) refuses it before anything is created; what is wrong with one input (not an image, too
 * large, unreachable) fails that item only.
 */
@ApplicationScoped
public class BatchService {

    private static final Logger LOG = Logger.getLogger(BatchService.class);

    @Inject
    JobService jobs;

    @Inject
    ConvertService convert;

    @Inject
    ConvertConfig config;

    @Inject
    ConversionService conversions;

    @Inject
    UrlFetcher fetcher;

    @Inject
    IntakeBudget intake;

    @Inject
    WebhookTargets webhooks;

    @Inject
    UsageLimits usageLimits;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "quarkus.http.body.uploads-directory")
    String spoolDirectory;

    /** {@code POST /api/v1/convert/batch}: the multipart layer has stored every file on disk. */
    public Uni<JobView.Accepted> fromUploads(Caller caller, BatchForm form, String baseUrl) {
        ConvertService.authorize(caller);
        List<FileUpload> files = form.files == null ? List.of() : form.files;
        checkCount(files.size(), "files", "the repeated multipart field 'files' with the images");
        ConvertOptions options = ConvertOptions.parse(form.asMap(), config);
        List<JobService.Input> inputs = new ArrayList<>();
        for (FileUpload f : files) {
            String path = f.uploadedFile().toString();
            PixmillException refused = sizeFault(f.size(), "the uploaded file is empty");
            inputs.add(refused != null ? JobService.Input.refused(f.fileName(), f.size(), refused)
                    : JobService.Input.of(f.fileName(), f.size(),
                            () -> vertx.fileSystem().readFile(path).map(Buffer::getBytes)));
        }
        // the whole batch is one request and as many conversions as it has files
        return usageLimits.within(caller, inputs.size(), () -> webhooks.parse(caller, form.webhookUrl())
                .chain(webhook -> submit(caller, options, baseUrl, webhook, inputs)));
    }

    /**
     * {@code POST /api/v1/convert/url/batch}: every URL is checked first (one malformed or refused
     * by its scheme refuses the batch), then fetched, a few at a time, into spool files, so the
     * job's transaction does not wait on the network and no more than a few bodies are in memory.
     */
    public Uni<JobView.Accepted> fromUrls(Caller caller, BatchUrlRequest body, String baseUrl) {
        ConvertService.authorize(caller);
        if (body == null) {
            throw new BadRequestException("invalid_json", "the body must be a JSON object with 'urls'");
        }
        List<String> urls = body.urls() == null ? List.of() : body.urls();
        checkCount(urls.size(), "urls", "the field 'urls' with the image URLs");
        List<URI> parsed = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            try {
                parsed.add(UrlFetcher.parse(urls.get(i)));
            } catch (BadRequestException e) {
                throw new BadRequestException(e.code(), "urls[" + i + "]: " + e.getMessage());
            }
        }
        ConvertOptions options = ConvertOptions.parse(body.asMap(), config);
        List<String> spooled = new ArrayList<>();
        // counted before anything is fetched: a batch over the quota fetches nothing
        return usageLimits.within(caller, parsed.size(), () -> webhooks.parse(caller, body.webhookUrl())
                .chain(webhook -> Multi.createFrom().range(0, parsed.size())
                .onItem().transformToUni(i -> spool(parsed.get(i), spooled).map(input -> Map.entry(i, input)))
                .merge(Math.max(1, config.batchFetchConcurrency()))
                .collect().asList()
                .map(done -> done.stream().sorted(Comparator.comparing(Map.Entry::getKey)).map(Map.Entry::getValue)
                        .toList())
                .chain(inputs -> submit(caller, options, baseUrl, webhook, inputs))
                .onTermination().call(() -> deleteAll(spooled))));
    }

    /** {@code webhookUrl}: checked by {@link WebhookTargets}, or null; called when the whole job ends. */
    private Uni<JobView.Accepted> submit(Caller caller, ConvertOptions options, String baseUrl, String webhookUrl,
            List<JobService.Input> inputs) {
        ImageLimits limits = convert.limits();
        var batch = new JobService.Batch(caller.owner(), ConvertService.KIND, baseUrl, webhookUrl, limits,
                options.output().extension(), inputs,
                info -> new ConversionService.Plan(options.plan(info, limits), null, null));
        return jobs.submit(batch).map(id -> new JobView.Accepted(id.toString(), "processing", inputs.size()));
    }

    /** One URL fetched into a spool file; a fetch that fails for the URL's sake becomes a failed item. */
    private Uni<JobService.Input> spool(URI url, List<String> spooled) {
        String name = Filenames.of(null, url);
        return Uni.createFrom().deferred(() -> {
            IntakeBudget.Reservation reservation = intake.open();
            return fetcher.fetch(url.toString(), bytes -> reservation.grow(2 * bytes))
                    .chain(fetched -> {
                        byte[] bytes = fetched.bytes();
                        String filename = fetched.filename() != null ? fetched.filename() : name;
                        PixmillException refused = sizeFault(bytes.length, "the URL answered with an empty body");
                        if (refused != null) {
                            return Uni.createFrom().item(JobService.Input.refused(filename, bytes.length, refused));
                        }
                        return vertx.fileSystem().createTempFile(spoolDirectory, "batch-", ".part", (String) null)
                                .invoke(path -> {
                                    synchronized (spooled) {
                                        spooled.add(path);
                                    }
                                })
                                .chain(path -> vertx.fileSystem().writeFile(path, Buffer.buffer(bytes))
                                        .replaceWith(JobService.Input.of(filename, bytes.length,
                                                () -> vertx.fileSystem().readFile(path).map(Buffer::getBytes))));
                    })
                    .onTermination().invoke(reservation::close);
        }).onFailure(e -> e instanceof PixmillException p && p.status() < 500) // busy (503) refuses the batch
                .recoverWithItem(e -> JobService.Input.refused(name, 0, (PixmillException) e));
    }

    private Uni<Void> deleteAll(List<String> paths) {
        List<Uni<Void>> deletes = new ArrayList<>();
        synchronized (paths) {
            for (String p : paths) {
                deletes.add(vertx.fileSystem().delete(p).onFailure().invoke(e -> LOG.debugf("spool file %s: %s", p, e))
                        .onFailure().recoverWithNull());
            }
        }
        return deletes.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(deletes).andCollectFailures()
                .replaceWithVoid();
    }

    private void checkCount(int n, String field, String what) {
        int max = config.maxBatchFiles();
        if (n == 0) {
            throw new BadRequestException("missing_file", "a batch needs at least one image: " + what);
        }
        if (n > max) {
            throw new BadRequestException("too_many_files", "a batch holds at most " + max + " images; this one has "
                    + n + " " + field);
        }
    }

    /** Why an input of {@code size} bytes cannot be taken, or null. */
    private PixmillException sizeFault(long size, String emptyMessage) {
        if (size == 0) {
            return new BadRequestException("empty_file", emptyMessage);
        }
        try {
            convert.checkSize(size);
            return null;
        } catch (PayloadTooLargeException e) {
            return e;
        }
    }

    public Uni<JobService.Snapshot> find(Caller caller, String id) {
        return jobs.find(parseId(id), caller.owner());
    }

    public Multi<JobService.Snapshot> watch(Caller caller, String id) {
        return jobs.watch(parseId(id), caller.owner());
    }

    /**
     * The job's completed results as one ZIP, in batch order, streamed from storage as it is sent
     * (see {@link StoredZip}). Items still running or failed are left out; a job with no
     * completed item has nothing to archive yet (409).
     */
    public Uni<StreamedDownload.Payload> archive(Caller caller, String id) {
        return find(caller, id).map(snapshot -> {
            List<Conversion> done = snapshot.items().stream()
                    .filter(c -> c.status == ConversionStatus.COMPLETED && c.outputCrc32 != null).toList();
            if (done.isEmpty()) {
                throw new ConflictException("nothing_to_archive", snapshot.job().ended()
                        ? "no item of job " + id + " completed, so there is nothing to put in a ZIP"
                        : "no item of job " + id + " has completed yet; retry when some have");
            }
            List<String> names = ArchiveNames.unique(done.stream()
                    .map(c -> ConversionService.resultFilename(c.inputFilename, c.outputFormat)).toList());
            List<StoredZip.Entry> entries = new ArrayList<>();
            for (int i = 0; i < done.size(); i++) {
                Conversion c = done.get(i);
                entries.add(new StoredZip.Entry(names.get(i), c.outputSize, c.outputCrc32,
                        LocalDateTime.ofInstant(c.completedAt, ZoneOffset.UTC), () -> conversions.resultBody(c)));
            }
            StoredZip zip = new StoredZip(entries);
            return new StreamedDownload.Payload("application/zip", zip.size(), zip.stream(),
                    "batch-" + snapshot.job().id + ".zip");
        });
    }

    static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new dev.pixmill.error.NotFoundException("not_found", "no job " + id);
        }
    }
}
