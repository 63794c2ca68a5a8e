package dev.pixmill.convert;

import dev.pixmill.security.ApiKeyService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Enforces {@link VisibleConversion} and {@link VisibleJob}: unknown or foreign ids fail with 404 up front. */
public class VisibleConversionFilter {

    @Inject
    ApiKeyService keys;

    @Inject
    ConvertService service;

    @Inject
    BatchService jobs;

    @ServerRequestFilter
    public Uni<Void> requireVisibleConversion(ResourceInfo resource, UriInfo uri, HttpServerRequest request) {
        var method = resource.getResourceMethod();
        if (method == null) {
            return Uni.createFrom().voidItem();
        }
        String id = uri.getPathParameters().getFirst("id");
        if (method.isAnnotationPresent(VisibleConversion.class)) {
            return keys.identify(request).chain(caller -> service.status(caller, id)).replaceWithVoid();
        }
        if (method.isAnnotationPresent(VisibleJob.class)) {
            return keys.identify(request).chain(caller -> jobs.find(caller, id)).replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }
}
