package dev.pixmill.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pixmill.accounts.UsageLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.EngineConfig;
import dev.pixmill.engine.EngineExecutor;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.Fit;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.error.ForbiddenException;
import dev.pixmill.error.NotFoundException;
import dev.pixmill.error.ServiceBusyException;
import dev.pixmill.error.UnauthorizedException;
import dev.pixmill.jobs.ChangeStream;
import dev.pixmill.jobs.Conversion;
import dev.pixmill.jobs.ConversionQueue;
import dev.pixmill.jobs.ConversionWorker;
import dev.pixmill.jobs.JobsConfig;
import dev.pixmill.security.ApiKeyService;
import dev.pixmill.security.Caller;
import dev.pixmill.security.KeySource;
import dev.pixmill.security.Tokens;
import dev.pixmill.storage.BlobStore;
import dev.pixmill.web.PublicUrls;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The image-generation dialect: a request becomes one queued job per image (kind
 * {@value GenerationHandler#KIND}, no input blob, its request in params), charged in the
 * transaction that queues them, and is answered at once with each image's future URL. A GET of
 * that URL waits for the job through the NOTIFY-driven watch, so any replica can answer it.
 */
@ApplicationScoped
public class GenerationService {

    /** The plan that may ask for the premium model. */
    static final String PREMIUM_PLAN = "professional";
    /** An image id is a download token: 256 random bits, base64url. */
    static final String IMAGE_ID = "[A-Za-z0-9_-]{43}";

    /** What the dialect keeps with each image for later readers (the alt text it was announced with). */
    @io.quarkus.runtime.annotations.RegisterForReflection
    record StoredOptions(String alt, int count) {
    }

    @Inject
    UsageLimits limits;

    @Inject
    ApiKeyService keys;

    @Inject
    ConversionQueue queue;

    @Inject
    ConversionWorker worker;

    @Inject
    GenerationCharges charges;

    @Inject
    ImageProviders providers;

    @Inject
    GeneratedImages images;

    @Inject
    ChangeStream changes;

    @Inject
    BlobStore blobs;

    @Inject
    ImageEngine engine;

    @Inject
    EngineExecutor executor;

    @Inject
    EngineConfig engineConfig;

    @Inject
    GenerateConfig config;

    @Inject
    JobsConfig jobsConfig;

    @Inject
    PublicUrls urls;

    @Inject
    ObjectMapper json;

    /** The key comes in {@code Authorization: Bearer} and nowhere else; generation is never anonymous. */
    public Uni<Caller> authenticate(HttpServerRequest request) {
        return keys.identify(request, EnumSet.of(KeySource.BEARER)).invoke(caller -> {
            if (caller.anonymous()) {
                throw new UnauthorizedException("missing_api_key",
                        "an API key is required in the Authorization: Bearer header");
            }
            if (caller.limits().disabled("generate")) {
                throw new ForbiddenException("api_disabled", "the image generation API is disabled for this API key");
            }
        });
    }

    /**
     * The body as JSON (empty: a missing node). Malformed JSON and a member given twice fail as
     * the REST layer's own reading does ({@code invalid_json}, {@code duplicate_parameter}).
     */
    public Uni<JsonNode> parse(String body) {
        try {
            return Uni.createFrom().item(json.readTree(body == null ? "" : body));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e); // as it is: the error mapper knows Jackson's failures
        }
    }

    /** Validates, charges and queues the images; answers their URLs and alt texts before any exists. */
    public Uni<List<ImageAnswer>> create(HttpServerRequest request, Caller caller, JsonNode body) {
        GenerationRequest asked = GenerationRequest.parse(body);
        if (asked.model() == Model.PREMIUM && !PREMIUM_PLAN.equals(caller.plan())) {
            throw new ForbiddenException("premium_not_allowed", "the premium model needs the professional plan; "
                    + "this API key is on the " + caller.plan() + " plan");
        }
        ImageProvider provider = providers.current();
        List<ConversionQueue.NewWork> rows = new ArrayList<>();
        List<GenerationCharges.ChargedImage> charged = new ArrayList<>();
        List<ImageAnswer> answer = new ArrayList<>();
        for (int i = 0; i < asked.numImages(); i++) {
            var image = new GenerationParams(asked.prompt(), asked.style(), asked.size().width(),
                    asked.size().height(), asked.model(), provider.name(), i);
            String imageId = Tokens.downloadToken();
            String alt = provider.alt(image);
            UUID row = UUID.randomUUID();
            rows.add(new ConversionQueue.NewWork(row, caller.owner(), GenerationHandler.KIND, write(image),
                    write(new StoredOptions(alt, asked.numImages())), "prompt",
                    asked.prompt().getBytes(StandardCharsets.UTF_8).length, ImageFormat.JPEG.extension(),
                    asked.model().creditsPerImage(), imageId));
            charged.add(new GenerationCharges.ChargedImage(row, imageId, asked.model().creditsPerImage()));
            answer.add(new ImageAnswer(urls.absolute(request, "/api/image/" + imageId + ".jpg?width="
                    + asked.size().width() + "&height=" + asked.size().height()), alt));
        }
        // one request and numImages conversions of the caller's limits, before anything is charged or queued
        return limits.within(caller, asked.numImages(), () -> queue.countPending()
                .invoke(pending -> {
                    if (pending + rows.size() > jobsConfig.maxPending()) {
                        throw new ServiceBusyException("too many images and conversions are waiting; retry shortly", 5);
                    }
                })
                .chain(() -> queue.enqueueWork(rows, tx -> charges.charge(tx, caller, asked, charged)))
                .invoke(worker::pump)
                .replaceWith(answer));
    }

    /** The image of this id, in whatever state it is; null when unknown or expired. */
    public Uni<Conversion> find(String imageId) {
        return imageId.matches(IMAGE_ID) ? images.byImageId(imageId) : Uni.createFrom().nullItem();
    }

    /**
     * The image once it has ended, or as it is after {@code wait}; empty when it is gone (expired
     * meanwhile). Changes come from whichever replica makes it (NOTIFY, with a periodic re-read).
     * Must start on a Vert.x context; the item comes on it.
     */
    public Uni<Optional<Conversion>> awaitEnd(Conversion image, Duration wait) {
        if (image.status.terminal()) {
            return Uni.createFrom().item(Optional.of(image));
        }
        AtomicReference<Optional<Conversion>> latest = new AtomicReference<>(Optional.of(image));
        var context = io.vertx.core.Vertx.currentContext();
        return changes.follow(image.id, () -> images.byId(image.id).map(Optional::ofNullable),
                        c -> c.map(x -> x.status + "/" + x.progress).orElse("gone"),
                        c -> c.isEmpty() || c.get().status.terminal())
                .invoke(latest::set)
                .filter(c -> c.isEmpty() || c.get().status.terminal())
                .toUni()
                .ifNoItem().after(wait).recoverWithItem(latest::get)
                .emitOn(task -> context.runOnContext(v -> task.run()));
    }

    /**
     * The bytes of a completed image: as stored, or scaled down when the query asks for a smaller
     * size (never enlarged: a side at least the image's keeps it; both sides given are filled and
     * cropped, centred; one alone keeps the proportions).
     */
    public Uni<Rendition> rendition(Conversion image, Integer width, Integer height) {
        if (!smaller(image, width, height)) {
            return Uni.createFrom().item(new Rendition(image.outputSize,
                    blobs.stream(image.id, BlobStore.Role.OUTPUT)));
        }
        Integer boxW = width == null ? null : Math.min(width, image.outputWidth);
        Integer boxH = height == null ? null : Math.min(height, image.outputHeight);
        Fit fit = boxW != null && boxH != null ? Fit.COVER : Fit.INSIDE;
        var spec = new ConversionSpec(ImageFormat.JPEG, config.jpegQuality(), boxW, boxH, false, false,
                engineConfig.limits().toImageLimits(), engineConfig.timeout(), null, fit);
        return blobs.get(image.id, BlobStore.Role.OUTPUT)
                .onItem().ifNull().failWith(() -> new NotFoundException("not_found", "unknown or expired image"))
                .chain(blob -> executor.submit(() -> engine.convert(blob.data(), spec)))
                .map((EngineResult r) -> new Rendition(r.bytes().length, Multi.createFrom().item(Buffer.buffer(r.bytes()))));
    }

    private static boolean smaller(Conversion image, Integer width, Integer height) {
        return (width != null && width < image.outputWidth) || (height != null && height < image.outputHeight);
    }

    /** What a GET sends: the JPEG's length and bytes. */
    public record Rendition(long size, Multi<Buffer> body) {
    }

    /** Strong: the bytes of one URL never change while it lives; a smaller rendition has its own. */
    static String etag(Conversion image, Integer width, Integer height) {
        String crc = image.outputCrc32 == null ? image.id.toString() : Long.toHexString(image.outputCrc32);
        return "\"" + crc + (smaller(image, width, height)
                ? "-" + (width == null ? "" : "w" + width) + (height == null ? "" : "h" + height) : "") + "\"";
    }

    /** Headers for the answer of a completed image: cacheable until it expires. */
    static Map<String, String> cacheHeaders(Conversion image, String etag) {
        long maxAge = image.expiresAt == null ? 0
                : Math.max(0, Duration.between(java.time.Instant.now(), image.expiresAt).toSeconds());
        return Map.of("Cache-Control", "public, max-age=" + maxAge + ", immutable", "ETag", etag);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("generation options cannot be serialised", e);
        }
    }
}
