package dev.pixmill.security;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** The operator's access to the admin API. */
@ConfigMapping(prefix = "pixmill.admin")
public interface AdminConfig {

    /** Operator token for {@code /api/admin}; without one the admin API is off (403). */
    Optional<String> token();
}
