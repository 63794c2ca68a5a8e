package dev.pixmill.security;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards {@link OperatorOnly} resources with the operator token. It runs before the request body
 * is read, so nothing about the body is revealed to a caller without the token.
 */
public class OperatorTokenFilter {

    @Inject
    OperatorGuard guard;

    @ServerRequestFilter
    public void requireOperator(ContainerRequestContext request, ResourceInfo resource) {
        if (resource.getResourceClass() != null && resource.getResourceClass().isAnnotationPresent(OperatorOnly.class)) {
            guard.check(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        }
    }
}
