package dev.pixmill.storage;

import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/** The one {@link ObjectStore} of this replica, as {@code pixmill.storage.backend} says. */
@ApplicationScoped
public class StorageBackend {

    private static final Logger LOG = Logger.getLogger(StorageBackend.class);

    @Produces
    @ApplicationScoped
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
