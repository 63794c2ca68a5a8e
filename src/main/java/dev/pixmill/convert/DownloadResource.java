package dev.pixmill.convert;

import dev.pixmill.jobs.ConversionService;
import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;
import org.jboss.resteasy.reactive.RestMulti;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import dev.pixmill.web.ErrorBody;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Result downloads. The token is the capability: whoever has it may download, until expiry. */
@Path("/api/v1/download")
@Tag(name = "Conversion")
public class DownloadResource {

    @Inject
    ConvertService service;

    @GET
    @Path("/{token}")
    @Operation(summary = "Download a conversion result")
    @APIResponse(responseCode = "200", description = "The image, with Content-Disposition: attachment",
            content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM,
                    schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "404", description = "Unknown or expired token",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Multi<Buffer> download(@PathParam("token") String token) {
        // headers come from the lookup, so an unknown token is still a JSON 404 before any byte
        return RestMulti.fromUniResponse(service.download(token), ConversionService.Result::body,
                result -> Map.of(
                        "Content-Type", List.of(result.contentType()),
                        "Content-Length", List.of(String.valueOf(result.size())),
                        "Content-Disposition", List.of(contentDisposition(result.filename())),
                        "Cache-Control", List.of("private, max-age=0"),
                        "X-Content-Type-Options", List.of("nosniff")),
                result -> 200);
    }

    /** ASCII fallback in {@code filename}, the real name in {@code filename*} (RFC 6266). */
    static String contentDisposition(String filename) {
        String ascii = filename.replaceAll("[^A-Za-z0-9._ -]", "_");
        String encoded = URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"" + (ascii.equals(filename) ? "" : "; filename*=UTF-8''" + encoded);
    }
}
