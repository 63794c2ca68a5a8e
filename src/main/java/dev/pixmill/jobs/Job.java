package dev.pixmill.jobs;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * A batch: conversions submitted together and followed together. Its items are ordinary
 * conversion rows ({@link Conversion#jobId}); this row only counts how they ended (a database
 * trigger does, in the transaction that ends each item) and knows when the whole batch ended.
 */
@Entity
@Table(name = "jobs")
public class Job extends PanacheEntityBase {

    public static final String PROCESSING = "processing";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";

    @Id
    public UUID id;
    public String owner;
    /** processing, then completed (at least one item succeeded) or failed (all failed). */
    public String status;
    @Column(name = "total_files")
    public int totalFiles;
    @Column(name = "completed_files")
    public int completedFiles;
    @Column(name = "failed_files")
    public int failedFiles;
    /** Scheme and authority (and prefix) the submitting client reached the service at. */
    @Column(name = "base_url")
    public String baseUrl;
    @Column(name = "webhook_url")
    public String webhookUrl;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "completed_at")
    public Instant completedAt;
    @Column(name = "expires_at")
    public Instant expiresAt;

    public boolean ended() {
        return !PROCESSING.equals(status);
    }
}
