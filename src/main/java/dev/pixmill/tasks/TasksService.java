package dev.pixmill.tasks;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.accounts.UsageLimits;
import dev.pixmill.engine.FormatSniffer;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageInfo;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.error.NotFoundException;
import dev.pixmill.error.PayloadTooLargeException;
import dev.pixmill.error.ForbiddenException;
import dev.pixmill.error.UnauthorizedException;
import dev.pixmill.error.UnsupportedFormatException;
import dev.pixmill.fetch.UrlFetcher;
import dev.pixmill.jobs.Conversion;
import dev.pixmill.jobs.ConversionService;
import dev.pixmill.jobs.IntakeBudget;
import dev.pixmill.security.ApiKeyService;
import dev.pixmill.security.Caller;
import dev.pixmill.web.FormValues;
import dev.pixmill.security.KeySource;
import dev.pixmill.storage.BlobStore;
import dev.pixmill.web.PublicUrls;
import dev.pixmill.web.RequestDeadline;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The compression-task dialect: a task is a conversion of kind {@value #KIND} with a compression,
 * queued, run and kept like any other; this turns the dialect's forms into one and the
 * conversion back into the task document.
 */
@ApplicationScoped
public class TasksService {

    static final String KIND = "imgcompress";
    /** Inputs the dialect takes (the engine reads more). */
    static final Set<ImageFormat> INPUTS = EnumSet.of(ImageFormat.JPEG, ImageFormat.PNG, ImageFormat.WEBP,
            ImageFormat.BMP, ImageFormat.TIFF, ImageFormat.GIF);
    /** A sync answer is sent this long before the request deadline at the latest. */
    static final Duration DEADLINE_MARGIN = Duration.ofSeconds(2);
    /** Inputs whose longest side is above this cost 2 credits, others 1. */
    static final int ONE_CREDIT_SIDE = 4096;
    /** Bytes held per result byte while a base64 answer is built: the blob, 4/3 of text, its copy. */
    static final long BASE64_HELD_FACTOR = 4;

    /** What the dialect keeps with the conversion for its later answers. */
    record StoredOptions(@JsonProperty("return_type") int returnType) {
    }

    @Inject
    ConversionService conversions;

    @Inject
    ApiKeyService keys;

    @Inject
    UrlFetcher fetcher;

    @Inject
    IntakeBudget intake;

    @Inject
    BlobStore blobs;

    @Inject
    PublicUrls urls;

    @Inject
    TasksConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    UsageLimits usageLimits;

    @Inject
    Vertx vertx;

    /** The key comes in {@code X-API-KEY} and nowhere else; tasks are never anonymous. */
    public Uni<Caller> authenticate(HttpServerRequest request) {
        return keys.identify(request, EnumSet.of(KeySource.X_API_KEY_HEADER)).invoke(caller -> {
            if (caller.anonymous()) {
                throw new UnauthorizedException("missing_api_key", "an API key is required in the X-API-KEY header");
            }
            if (caller.limits().disabled("tasks")) {
                throw new ForbiddenException("api_disabled", "the compression task API is disabled for this API key");
            }
        });
    }

    /** A multipart create: the image is the uploaded {@code image_file} or fetched from {@code image_url}. */
    public Uni<TaskAnswer<?>> create(RoutingContext routing, Caller caller, TaskForm form) {
        FileUpload upload = form.imageFile;
        // a browser form with no file chosen still sends the part, empty and without a name
        boolean hasFile = upload != null
                && !(upload.size() == 0 && (upload.fileName() == null || upload.fileName().isEmpty()));
        return create(routing, caller, form, hasFile ? upload : null);
    }

    /** A URL-encoded create: such a body carries no file, so the image comes from {@code image_url}. */
    public Uni<TaskAnswer<?>> create(RoutingContext routing, Caller caller, TaskUrlForm form) {
        if (FormValues.present(form.imageFile)) {
            throw new BadRequestException("invalid_parameter",
                    "image_file must be uploaded as a file in a multipart/form-data body");
        }
        return create(routing, caller, form, null);
    }

    public Uni<TaskAnswer<?>> get(HttpServerRequest request, Caller caller, String taskId) {
        UUID id = parseId(taskId);
        return conversions.status(id, caller.owner())
                .invoke(c -> {
                    if (!KIND.equals(c.kind)) {
                        throw notFound(taskId);
                    }
                })
                .chain(c -> view(request, c))
                .map(TaskAnswer::success);
    }

    private Uni<TaskAnswer<?>> create(RoutingContext routing, Caller caller, TaskFields fields, FileUpload upload) {
        Context context = Objects.requireNonNull(io.vertx.core.Vertx.currentContext(), "create runs on a Vert.x context");
        String url = fields.imageUrl();
        boolean hasUrl = FormValues.present(url);
        if (hasUrl == (upload != null)) {
            throw new BadRequestException("invalid_parameter", hasUrl
                    ? "give image_url or image_file, not both"
                    : "image_url or image_file is required");
        }
        TaskRequest task = TaskRequest.parse(fields.asMap());
        // one request and one conversion; the sync wait below is not part of it
        Uni<Conversion> submitted = usageLimits.within(caller, 1,
                () -> upload != null ? fromUpload(caller, upload, task) : fromUrl(caller, url.strip(), task));
        // the answer is made on the request's context (the sync wait re-reads through Hibernate there)
        return submitted.emitOn(runOn(context)).chain(c -> {
            if (!task.sync()) {
                return Uni.createFrom().item(TaskAnswer.success(new TaskAnswer.Created(c.id.toString())));
            }
            return awaitEnd(context, c.id, caller.owner(), syncWait(routing))
                    .chain(done -> view(routing.request(), done)).map(TaskAnswer::success);
        });
    }

    /** The upload is on disk (the multipart layer put it there); it is read within the intake budget. */
    private Uni<Conversion> fromUpload(Caller caller, FileUpload upload, TaskRequest task) {
        if (upload.size() == 0) {
            throw new BadRequestException("empty_file", "the uploaded image_file is empty");
        }
        checkSize(upload.size());
        return intake.within(upload.size(), () -> vertx.fileSystem().readFile(upload.uploadedFile().toString())
                .chain(buffer -> submit(caller, buffer.getBytes(), upload.fileName(), task)));
    }

    private Uni<Conversion> fromUrl(Caller caller, String url, TaskRequest task) {
        // the size is known only at the end: the reservation grows with each piece that arrives
        return Uni.createFrom().deferred(() -> {
            IntakeBudget.Reservation reservation = intake.open();
            // each kept byte is counted twice: the growing fetch buffer and the copy handed on
            return fetcher.fetch(url, bytes -> reservation.grow(2 * bytes)).chain(fetched -> {
                checkSize(fetched.bytes().length);
                if (fetched.bytes().length == 0) {
                    throw new BadRequestException("empty_file", "the image_url answered with an empty body");
                }
                return submit(caller, fetched.bytes(), fetched.filename(), task);
            }).onTermination().invoke(reservation::close);
        });
    }

    private Uni<Conversion> submit(Caller caller, byte[] input, String filename, TaskRequest task) {
        FormatSniffer.sniff(input).filter(f -> !INPUTS.contains(f)).ifPresent(f -> {
            throw new UnsupportedFormatException("unsupported_format", "the compression task reads jpg, png, webp, "
                    + "bmp, tiff and gif images, not " + f.extension());
        });
        ImageLimits limits = config.limits().toImageLimits();
        String options = write(new StoredOptions(task.returnType().code));
        return conversions.submitPlanned(caller.owner(), KIND, input, filename, limits,
                info -> new ConversionService.Plan(task.params(info, limits), credits(info), options));
    }

    /** Each success costs 1 credit up to 4096 px on the longest side, 2 above (held when queued, refunded on failure). */
    static int credits(ImageInfo input) {
        return Math.max(input.width(), input.height()) <= ONE_CREDIT_SIDE ? 1 : 2;
    }

    /**
     * The task's state once it has ended, or after the sync wait the state it is in then. Changes
     * come from whichever replica runs it ({@link ConversionService#watch}).
     */
    private Uni<Conversion> awaitEnd(Context context, UUID id, String owner, Duration wait) {
        AtomicReference<Conversion> latest = new AtomicReference<>();
        return conversions.watch(id, owner)
                .invoke(latest::set)
                .collect().last()
                .ifNoItem().after(wait).recoverWithItem(latest::get)
                .emitOn(runOn(context))
                .chain(c -> c != null ? Uni.createFrom().item(c) : conversions.status(id, owner));
    }

    /** The configured wait, shortened so that the answer comes before the request deadline (an upload may have been slow). */
    private Duration syncWait(RoutingContext routing) {
        Duration wait = config.syncWait();
        Duration left = RequestDeadline.remaining(routing).map(d -> d.minus(DEADLINE_MARGIN)).orElse(wait);
        Duration bounded = left.compareTo(wait) < 0 ? left : wait;
        return bounded.isNegative() || bounded.isZero() ? Duration.ofMillis(1) : bounded;
    }

    private Uni<TaskView> view(HttpServerRequest request, Conversion c) {
        if (!TaskView.succeeded(c)) {
            return Uni.createFrom().item(TaskView.of(c, null));
        }
        if (returnType(c) == TaskRequest.ReturnType.URL) {
            return Uni.createFrom().item(TaskView.of(c, urls.absolute(request, "/api/v1/download/" + c.downloadToken)));
        }
        // the bytes, their base64 text and the answer's copy of it are in memory at once: within
        // the intake budget, so that concurrent large answers get a 503 rather than the heap
        long held = c.outputSize == null ? 0 : c.outputSize * BASE64_HELD_FACTOR;
        return intake.within(held, () -> blobs.get(c.id, BlobStore.Role.OUTPUT)
                .onItem().ifNull().failWith(() -> notFound(c.id.toString()))
                .map(blob -> TaskView.of(c, Base64.getEncoder().encodeToString(blob.data()))));
    }

    private TaskRequest.ReturnType returnType(Conversion c) {
        if (c.dialectOptions == null) {
            return TaskRequest.ReturnType.URL;
        }
        try {
            return TaskRequest.ReturnType.of(json.readValue(c.dialectOptions, StoredOptions.class).returnType());
        } catch (JsonProcessingException e) {
            return TaskRequest.ReturnType.URL;
        }
    }

    private String write(StoredOptions options) {
        try {
            return json.writeValueAsString(options);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("task options cannot be serialised", e);
        }
    }

    private void checkSize(long size) {
        long max = config.limits().maxBytes().asLongValue();
        if (size > max) {
            throw new PayloadTooLargeException("file_too_large", String.format(
                    "the file is %.1f MB; the limit is %.0f MB", size / 1048576.0, max / 1048576.0));
        }
    }

    private static java.util.concurrent.Executor runOn(Context context) {
        return task -> context.runOnContext(v -> task.run());
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw notFound(id);
        }
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("not_found", "no task " + id);
    }
}
