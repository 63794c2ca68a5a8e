package dev.pixmill.storage;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs before anything touches the database: creates the database if it does not exist yet
 * (first start on a fresh server), then applies the versioned migrations. Several replicas may
 * start at once; Flyway's own lock serialises the migrations.
 */
@ApplicationScoped
public class DatabaseBootstrap {

    private static final Logger LOG = Logger.getLogger(DatabaseBootstrap.class);
    private static final Pattern JDBC_DB = Pattern.compile("^(jdbc:postgresql://[^/]+/)([^?]+)(\\?.*)?$");

    @Inject
    Flyway flyway;

    @Inject
    DatabaseSettings settings;

    void onStart(@Observes @Priority(1) StartupEvent event) {
        createDatabaseIfMissing();
        flyway.migrate();
    }

    private void createDatabaseIfMissing() {
        Matcher m = JDBC_DB.matcher(settings.jdbcUrl());
        if (!m.matches()) {
            return;
        }
        String database = m.group(2);
        try (Connection ignored = DriverManager.getConnection(settings.jdbcUrl(), settings.username(),
                settings.password())) {
            return; // exists and reachable
        } catch (SQLException e) {
            if (!"3D000".equals(e.getSQLState())) { // invalid_catalog_name: database does not exist
                return; // another problem (server down, auth): let the normal start-up report it
            }
        }
        String maintenanceUrl = m.group(1) + "postgres" + (m.group(3) == null ? "" : m.group(3));
        try (Connection c = DriverManager.getConnection(maintenanceUrl, settings.username(), settings.password());
             PreparedStatement exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, database);
            if (!exists.executeQuery().next()) {
                LOG.infof("Database %s does not exist; creating it", database);
                c.createStatement().execute("create database \"" + database.replace("\"", "\"\"") + "\"");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Database " + database + " does not exist and could not be created"
                    + " (grant CREATEDB to " + settings.username() + " or create it): " + e.getMessage(), e);
        }
    }
}
