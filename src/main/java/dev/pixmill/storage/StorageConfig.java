package dev.pixmill.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Where the bytes of uploads and results are kept ({@code pixmill.storage.*}); README, Storage. */
@ConfigMapping(prefix = "pixmill.storage")
public interface StorageConfig {

    enum Backend { FILESYSTEM, S3 }

    /** {@code filesystem} (one machine, or a volume shared by the replicas) or {@code s3}. */
    @WithDefault("filesystem")
    Backend backend();

    Filesystem filesystem();

    S3 s3();

    /** How often the objects of deleted rows are deleted (read by BlobSweeper's schedule). */
    @WithDefault("15s")
    Duration sweepEvery();

    /** Objects with no row this old are orphans (their transaction never committed) and deleted. */
    @WithDefault("1h")
    Duration orphanAge();

    /** How often one replica (whichever gets there first) looks for orphans. */
    @WithDefault("6h")
    Duration orphanScanEvery();

    interface Filesystem {

        /** Relative paths are from the working directory (bin/run: the checkout). */
        @WithDefault("data/blobs")
        Path directory();

        /** Flush each object to disk before its row commits, so a power cut cannot lose it. */
        @WithDefault("true")
        boolean fsync();
    }

    interface S3 {

        Optional<String> bucket();

        /** Prepended to every key, e.g. {@code pixmill/}, so one bucket can serve several deployments. */
        Optional<String> prefix();

        /** For S3-compatible servers (MinIO, Ceph, R2, ...); AWS's own endpoint when absent. */
        Optional<URI> endpoint();

        @WithDefault("us-east-1")
        String region();

        /** With the secret: static credentials; both absent: the default AWS chain (env, profile, web identity). */
        Optional<String> accessKeyId();

        Optional<String> secretAccessKey();

        /** {@code endpoint/bucket/key} rather than {@code bucket.endpoint/key}: MinIO, Ceph and most self-hosted servers. */
        @WithDefault("false")
        boolean pathStyle();

        /**
         * Create the bucket when it is missing (by the readiness check, so before the first request): for a fresh
         * self-hosted server (a dev MinIO); off by default, where buckets are provisioned.
         */
        @WithDefault("false")
        boolean createBucket();

        /** Connections to the object store at most, across all requests of this replica. */
        @WithDefault("64")
        int maxConnections();
    }
}
