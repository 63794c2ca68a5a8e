package dev.pixmill.storage;

import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The standard datasource settings, for the few places that open their own connections: the
 * first-start bootstrap (JDBC) and the LISTEN connection (reactive).
 */
@ApplicationScoped
public class DatabaseSettings {

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String reactiveUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String username;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** A dedicated connection to the (first) reactive URL, e.g. for LISTEN. */
    public PgConnectOptions connectOptions() {
        return PgConnectOptions.fromUri(reactiveUrl.split(",")[0].trim()).setUser(username).setPassword(password);
    }
}
