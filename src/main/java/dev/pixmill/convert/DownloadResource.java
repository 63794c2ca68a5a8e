package dev.pixmill.convert;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Result downloads. The token is the capability: whoever has it may download, until expiry. */
@Path("/api/v1/download")
@Tag(name = "Conversion")
public class DownloadResource {

    @Inject
    ConvertService service;

    @GET
    @Path("/{token}")
    @Operation(summary = "Download a conversion result")
    public Uni<Response> download(@PathParam("token") String token) {
        return service.download(token).map(result -> Response.ok(result.bytes(), result.contentType())
                .header("Content-Length", result.bytes().length)
                .header("Content-Disposition", contentDisposition(result.filename()))
                .header("Cache-Control", "private, max-age=0")
                .header("X-Content-Type-Options", "nosniff")
                .build());
    }

    /** ASCII fallback in {@code filename}, the real name in {@code filename*} (RFC 6266). */
    static String contentDisposition(String filename) {
        String ascii = filename.replaceAll("[^A-Za-z0-9._ -]", "_");
        String encoded = URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"" + (ascii.equals(filename) ? "" : "; filename*=UTF-8''" + encoded);
    }
}
