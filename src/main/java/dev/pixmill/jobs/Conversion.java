package dev.pixmill.jobs;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * One image conversion, the unit of work every API dialect maps onto. Its bytes live in
 * {@code blobs}; writes that race between replicas (claim, complete, lease recovery) go through
 * {@link ConversionQueue}'s SQL, reads through this entity.
 */
@Entity
@Table(name = "conversions")
public class Conversion extends PanacheEntityBase {

    @Id
    public UUID id;
    public String owner;
    public String kind;
    @Convert(converter = ConversionStatus.DbConverter.class)
    public ConversionStatus status;
    public String params;
    @Column(name = "input_filename")
    public String inputFilename;
    @Column(name = "input_format")
    public String inputFormat;
    @Column(name = "input_size")
    public long inputSize;
    @Column(name = "input_width")
    public Integer inputWidth;
    @Column(name = "input_height")
    public Integer inputHeight;
    @Column(name = "output_format")
    public String outputFormat;
    @Column(name = "output_size")
    public Long outputSize;
    @Column(name = "output_width")
    public Integer outputWidth;
    @Column(name = "output_height")
    public Integer outputHeight;
    public int progress;
    @Column(name = "error_code")
    public String errorCode;
    @Column(name = "error_message")
    public String errorMessage;
    @Column(name = "download_token")
    public String downloadToken;
    public int attempts;
    @Column(name = "created_at")
    public Instant createdAt;
    /** When a replica first started it; null while it waits. */
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "completed_at")
    public Instant completedAt;
    @Column(name = "expires_at")
    public Instant expiresAt;
    /** Its cost in credits, recorded when queued; null for kinds not charged per image. */
    public Integer credits;
    /** JSON options of the dialect that submitted it, read back only by that dialect. */
    @Column(name = "dialect_options")
    public String dialectOptions;
    /** The batch it belongs to, or null. */
    @Column(name = "job_id")
    public UUID jobId;
    /** Its place in the batch (0-based). */
    @Column(name = "job_position")
    public Integer jobPosition;
    @Column(name = "output_crc32")
    public Long outputCrc32;
}
