package dev.pixmill.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.error.BadRequestException;
import dev.pixmill.jobs.Conversion;
import dev.pixmill.jobs.ConversionStatus;
import dev.pixmill.web.ErrorResponse;
import dev.pixmill.web.ContentDisposition;
import dev.pixmill.web.RequestDeadline;
import dev.pixmill.web.StreamedDownload;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/image/{id}.jpg}: a generated image, as an {@code <img>} asks for it. No key: the
 * id (256 random bits) is the capability. It waits until the image is ready (at most
 * {@code pixmill.generate.wait}, and always before the request deadline), then answers 503 with
 * Retry-After; from then on it serves the JPEG until it expires like any result. A failed image is
 * a JSON error with the failure in words (502 when its provider failed, else 500); an unknown or
 * expired one 404. A plain route, so the JPEG goes out with its exact Content-Length. Described in
 * META-INF/openapi.yaml.
 */
@ApplicationScoped
public class ImageRoute {

    static final Pattern FILE = Pattern.compile("(" + GenerationService.IMAGE_ID + ")\\.(?:jpg|jpeg)");
    /** The wait ends this long before the request deadline, so that its 503 is the answer. */
    static final Duration DEADLINE_MARGIN = Duration.ofSeconds(1);
    static final int MAX_SIDE = 100_000;

    @Inject
    GenerationService service;

    @Inject
    GenerateConfig config;

    @Inject
    StreamedDownload sender;

    @Inject
    ObjectMapper json;

    void register(@Observes Router router) {
        router.get("/api/image/:file").handler(ctx -> image(ctx, true));
        router.head("/api/image/:file").handler(ctx -> image(ctx, false));
    }

    private void image(RoutingContext ctx, boolean withBody) {
        Integer width;
        Integer height;
        try {
            width = side(ctx, "width");
            height = side(ctx, "height");
        } catch (BadRequestException e) {
            ErrorResponse.of(e).send(ctx.request(), json);
            return;
        }
        Matcher file = FILE.matcher(ctx.pathParam("file"));
        if (!file.matches()) {
            notFound(ctx);
            return;
        }
        var context = ctx.vertx().getOrCreateContext();
        Cancellable waiting = service.find(file.group(1))
                .chain(image -> image == null ? Uni.createFrom().item(Optional.<Conversion>empty())
                        : service.awaitEnd(image, waitFor(ctx)))
                .subscribe().with(
                        image -> context.runOnContext(v -> answer(ctx, image, width, height, withBody)),
                        failure -> context.runOnContext(v -> ErrorResponse.of(failure).send(ctx.request(), json)));
        ctx.response().closeHandler(v -> waiting.cancel()); // the client left while waiting
    }

    private void answer(RoutingContext ctx, Optional<Conversion> found, Integer width, Integer height,
            boolean withBody) {
        if (ctx.response().closed() || ctx.response().ended()) {
            return;
        }
        if (found.isEmpty()) {
            notFound(ctx);
            return;
        }
        Conversion image = found.get();
        if (image.status == ConversionStatus.FAILED) {
            int status = GenerationHandler.PROVIDER_ERROR.equals(image.errorCode) ? 502 : 500;
            String message = image.errorMessage == null ? "the image could not be generated" : image.errorMessage;
            new ErrorResponse(status, new dev.pixmill.web.ErrorBody("generation_failed",
                    "the image could not be generated: " + message), Map.of("Cache-Control", "no-store"))
                    .send(ctx.request(), json);
            return;
        }
        if (image.status != ConversionStatus.COMPLETED) {
            long retry = Math.max(1, config.retryAfter().toSeconds());
            new ErrorResponse(503, new dev.pixmill.web.ErrorBody("not_ready",
                    "the image is not ready yet; retry in " + retry + " s"),
                    Map.of("Retry-After", String.valueOf(retry), "Cache-Control", "no-store"))
                    .send(ctx.request(), json);
            return;
        }
        String filename = ctx.pathParam("file").replaceAll("\\.jpeg$", ".jpg");
        String etag = GenerationService.etag(image, width, height);
        Map<String, String> headers = new HashMap<>(GenerationService.cacheHeaders(image, etag));
        if (etag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
            // the client has these bytes already
            headers.forEach(ctx.response()::putHeader);
            ctx.response().setStatusCode(304).end();
            return;
        }
        headers.put("Content-Disposition", ContentDisposition.inline(filename));
        sender.send(ctx, service.rendition(image, width, height)
                .map(r -> new StreamedDownload.Payload("image/jpeg", r.size(), r.body(), filename, headers)), withBody);
    }

    /** The configured wait, ended before the request deadline. */
    private Duration waitFor(RoutingContext ctx) {
        Duration wait = config.waitFor();
        Duration left = RequestDeadline.remaining(ctx).map(d -> d.minus(DEADLINE_MARGIN)).orElse(wait);
        Duration bounded = left.compareTo(wait) < 0 ? left : wait;
        return bounded.isNegative() || bounded.isZero() ? Duration.ofMillis(1) : bounded;
    }

    /** A size from the query: absent, or a whole number of pixels, given once. */
    private static Integer side(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new BadRequestException("duplicate_parameter",
                    "the parameter '" + name + "' is given more than once; it takes one value");
        }
        String v = values.getFirst().strip();
        if (!v.matches("[0-9]{1,6}") || Integer.parseInt(v) < 1 || Integer.parseInt(v) > MAX_SIDE) {
            throw new BadRequestException("invalid_parameter", name + " must be a whole number of pixels from 1 to "
                    + MAX_SIDE + ", not '" + (v.length() > 20 ? v.substring(0, 20) + "…" : v) + "'");
        }
        return Integer.parseInt(v);
    }

    private void notFound(RoutingContext ctx) {
        new ErrorResponse(404, "not_found", "unknown or expired image").send(ctx.request(), json);
    }
}
