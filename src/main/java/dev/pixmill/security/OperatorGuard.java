package dev.pixmill.security;

import dev.pixmill.error.ForbiddenException;
import dev.pixmill.error.UnauthorizedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Checks the operator token of the admin API; no configured token means the admin API is off. */
@ApplicationScoped
public class OperatorGuard {

    @Inject
    AdminConfig config;

    public void check(String authorization) {
        String token = config.token().filter(t -> !t.isBlank())
                .orElseThrow(() -> new ForbiddenException("admin_disabled",
                        "the admin API is off: no operator token is configured (pixmill.admin.token)"));
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip() : "";
        if (!Tokens.constantTimeEquals(token, presented)) {
            throw new UnauthorizedException("invalid_operator_token", "a valid operator token is required");
        }
    }
}
