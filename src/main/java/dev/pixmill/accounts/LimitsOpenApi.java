package dev.pixmill.accounts;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Documents the limits on the operations that go through {@link UsageLimits#within}: their
 * successes carry the limit headers, and each gets a 429 in its dialect's error shape (the body
 * schema of its 400). Reads are left as they are: they are not limited.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class LimitsOpenApi implements OASFilter {

    /** The POST operations that create work (the image-generation dialect's under either spelling). */
    static final Set<String> LIMITED = Set.of("/api/v1/convert", "/api/v1/convert/url", "/api/v1/convert/batch",
            "/api/v1/convert/url/batch", "/api/v1/compress", "/api/v1/resize", "/api/v1/optimize",
            "/api/tasks/visual/imgcompress", "/api/image-generation", "/api/image-generation/");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            Operation post = item.getPOST();
            if (LIMITED.contains(path) && post != null && post.getResponses() != null) {
                document(post);
            }
        });
    }

    private static void document(Operation post) {
        var responses = post.getResponses();
        responses.getAPIResponses().forEach((code, response) -> {
            if (code.startsWith("2")) {
                headers().forEach(response::addHeader);
            }
        });
        APIResponse badRequest = responses.getAPIResponse("400");
        APIResponse tooMany = OASFactory.createAPIResponse().description("Over the caller's requests per minute "
                        + "(rate_limited) or its daily conversions (quota_exceeded); nothing was counted or stored. "
                        + "Retry after Retry-After seconds")
                .content(badRequest == null ? null : badRequest.getContent());
        headers().forEach(tooMany::addHeader);
        tooMany.addHeader("Retry-After", header("Seconds until the limit that refused resets"));
        responses.addAPIResponse("429", tooMany);
    }

    private static Map<String, Header> headers() {
        Map<String, Header> headers = new LinkedHashMap<>();
        headers.put("X-RateLimit-Limit", header("Work-creating requests allowed per minute"));
        headers.put("X-RateLimit-Remaining", header("Of those, left in the current minute"));
        headers.put("X-RateLimit-Reset", header("Seconds until the current minute's window ends"));
        headers.put("X-Quota-Limit", header("Conversions (images) allowed per UTC day"));
        headers.put("X-Quota-Remaining", header("Of those, left today"));
        headers.put("X-Quota-Reset", header("Seconds until 00:00 UTC"));
        return headers;
    }

    private static Header header(String description) {
        return OASFactory.createHeader().description(description)
                .schema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER));
    }
}
