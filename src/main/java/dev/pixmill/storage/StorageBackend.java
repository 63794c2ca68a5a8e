package dev.pixmill.storage;

import io.quarkus.runtime.Startup;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/** The one {@link ObjectStore} of this replica, as {@code pixmill.storage.backend} says. */
@ApplicationScoped
public class StorageBackend {

    private static final Logger LOG = Logger.getLogger(StorageBackend.class);

    /** Made at start-up: a wrong setting stops the start, and no request thread creates directories. */
    @Produces
    @ApplicationScoped
    @Startup
    ObjectStore objectStore(StorageConfig config, Vertx vertx) {
        ObjectStore store = switch (config.backend()) {
            case FILESYSTEM -> new FilesystemObjectStore(config.filesystem().directory(), config.filesystem().fsync(), vertx);
            case S3 -> new S3ObjectStore(config.s3());
        };
        LOG.infof("blob bytes are kept in %s", store.describe());
        return store;
    }

    void close(@Disposes ObjectStore store) {
        store.close();
    }
}
