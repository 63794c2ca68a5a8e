package dev.pixmill.convert;

import dev.pixmill.accounts.UsageLimits;
import dev.pixmill.engine.EngineConfig;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.error.ForbiddenException;
import dev.pixmill.error.NotFoundException;
import dev.pixmill.error.PayloadTooLargeException;
import dev.pixmill.fetch.UrlFetcher;
import dev.pixmill.jobs.IntakeBudget;
import dev.pixmill.jobs.Conversion;
import dev.pixmill.jobs.ConversionService;
import dev.pixmill.security.Caller;
import dev.pixmill.webhooks.WebhookTargets;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** The conversion dialect: turns its requests into conversions and back. */
@ApplicationScoped
public class ConvertService {

    static final String KIND = "convert";
    static final String COMPRESS_KIND = "compress";
    static final String RESIZE_KIND = "resize";

    @Inject
    ConversionService conversions;

    @Inject
    UrlFetcher fetcher;

    @Inject
    ConvertConfig config;

    @Inject
    EngineConfig engineConfig;

    @Inject
    Vertx vertx;

    @Inject
    IntakeBudget intake;

    @Inject
    WebhookTargets webhooks;

    @Inject
    UsageLimits usageLimits;


    /** The multipart layer has stored the file on disk; it is read (asynchronously) within the intake budget. */
    public Uni<Conversion> fromUpload(Caller caller, ConvertForm form) {
        return upload(caller, form.file, KIND, form.webhookUrl(), () -> ConvertOptions.parse(form.asMap(), config));
    }

    /** {@code POST /api/v1/compress}: the format is kept unless asked, the quality found by the engine. */
    public Uni<Conversion> compress(Caller caller, CompressForm form) {
        return upload(caller, form.file, COMPRESS_KIND, form.webhookUrl(),
                () -> ConvertOptions.parseCompress(form.asMap(), config));
    }

    /** {@code POST /api/v1/resize}: a percent, a box or a preset, fitted inside, cover or contain. */
    public Uni<Conversion> resize(Caller caller, ResizeForm form) {
        return upload(caller, form.file, RESIZE_KIND, form.webhookUrl(),
                () -> ConvertOptions.parseResize(form.asMap(), config));
    }

    private Uni<Conversion> upload(Caller caller, FileUpload upload, String kind, String webhookUrl,
            java.util.function.Supplier<ConvertOptions> parse) {
        authorize(caller);
        if (upload == null) {
            throw new BadRequestException("missing_file", "the multipart field 'file' with the image is required");
        }
        ConvertOptions options = parse.get();
        if (upload.size() == 0) {
            throw new BadRequestException("empty_file", "the uploaded file is empty");
        }
        checkSize(upload.size());
        return usageLimits.within(caller, 1, () -> webhooks.parse(caller, webhookUrl).chain(webhook -> intake.within(
                upload.size(), () -> vertx.fileSystem().readFile(upload.uploadedFile().toString())
                        .chain(buffer -> submit(caller, kind, buffer.getBytes(), upload.fileName(), options, webhook)))));
    }

    public Uni<Conversion> fromUrl(Caller caller, ConvertUrlRequest body) {
        authorize(caller);
        if (body == null) {
            throw new BadRequestException("invalid_json", "the body must be a JSON object with a 'url'");
        }
        String url = body.url();
        if (url == null || url.isBlank()) {
            throw new BadRequestException("missing_url", "the field 'url' is required");
        }
        ConvertOptions options = ConvertOptions.parse(body.asMap(), config);
        // the size is known only at the end: the reservation grows with each piece that arrives
        return usageLimits.within(caller, 1, () -> webhooks.parse(caller, body.webhookUrl())
                .chain(webhook -> Uni.createFrom().deferred(() -> {
            IntakeBudget.Reservation reservation = intake.open();
            // each kept byte is counted twice: the growing fetch buffer and the copy handed on
            return fetcher.fetch(url.strip(), bytes -> reservation.grow(2 * bytes)).chain(fetched -> {
                checkSize(fetched.bytes().length);
                if (fetched.bytes().length == 0) {
                    throw new BadRequestException("empty_file", "the URL answered with an empty body");
                }
                return submit(caller, KIND, fetched.bytes(), fetched.filename(), options, webhook);
            }).onTermination().invoke(reservation::close);
        })));
    }

    public Uni<Conversion> status(Caller caller, String id) {
        return conversions.status(parseId(id), caller.owner());
    }

    public Multi<Conversion> watch(Caller caller, String id) {
        return conversions.watch(parseId(id), caller.owner());
    }

    static void authorize(Caller caller) {
        if (caller.limits().disabled("convert")) {
            throw new ForbiddenException("api_disabled", "the conversion API is disabled for this API key");
        }
    }

    /** The conversion API uses the default limits (pixmill.engine.limits). */
    ImageLimits limits() {
        return engineConfig.limits().toImageLimits();
    }

    /** {@code webhookUrl}: checked by {@link WebhookTargets}, or null. */
    private Uni<Conversion> submit(Caller caller, String kind, byte[] bytes, String filename, ConvertOptions options,
            String webhookUrl) {
        ImageLimits limits = limits();
        return conversions.submitPlanned(caller.owner(), kind, bytes, filename, limits,
                info -> new ConversionService.Plan(options.plan(info, limits), null, null, webhookUrl));
    }

    void checkSize(long size) {
        long max = limits().maxBytes();
        if (size > max) {
            throw new PayloadTooLargeException("file_too_large", String.format(
                    "the file is %.1f MB; the limit is %.0f MB", size / 1048576.0, max / 1048576.0));
        }
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new NotFoundException("not_found", "no conversion " + id);
        }
    }
}
