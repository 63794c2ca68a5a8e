package dev.pixmill.jobs;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * The SQL of batches. Items are conversion rows inserted by {@link ConversionQueue}; how they end
 * is counted on the job by a trigger (migration V4), so this class only opens and closes intake.
 */
@ApplicationScoped
public class JobQueue {

    /** A new batch: who owns it, how many items, where its links point, how long it is kept once ended. */
    public record NewJob(UUID id, String owner, int totalFiles, String baseUrl, String webhookUrl,
            java.time.Duration retention) {
    }

    /** An item refused at intake: it is part of the batch, failed from the start. */
    record RefusedItem(UUID id, String owner, String kind, String inputFilename, long inputSize, String outputFormat,
            String errorCode, String errorMessage) {
    }

    Uni<Void> insert(SqlClient tx, NewJob job) {
        return tx.preparedQuery("""
                        insert into jobs (id, owner, total_files, base_url, webhook_url, retention_secs)
                        values ($1, $2, $3, $4, $5, $6)""")
                .execute(Tuple.from(new Object[] { job.id(), job.owner(), job.totalFiles(), job.baseUrl(),
                        job.webhookUrl(), (int) job.retention().toSeconds() }))
                .replaceWithVoid();
    }

    Uni<Void> insertRefused(SqlClient tx, UUID jobId, int position, RefusedItem item) {
        return tx.preparedQuery("""
                        insert into conversions (id, owner, kind, status, params, input_filename, input_format,
                            input_size, output_format, progress, error_code, error_message, completed_at,
                            job_id, job_position)
                        values ($1, $2, $3, 'failed', '{}', $4, 'unknown', $5, $6, 100, $7, $8, now(), $9, $10)""")
                .execute(Tuple.from(new Object[] { item.id(), item.owner(), item.kind(), item.inputFilename(),
                        item.inputSize(), item.outputFormat(), item.errorCode(), item.errorMessage(), jobId,
                        position }))
                .replaceWithVoid();
    }

    /**
     * Ends intake: the items refused on the way are counted, and a batch whose every item was
     * refused ends here as failed (no item of it is in the queue, so no trigger will end it).
     */
    Uni<Void> closeIntake(SqlClient tx, UUID jobId, int refused) {
        return tx.preparedQuery("""
                        with j as (
                            update jobs set failed_files = failed_files + $2,
                                status = case when failed_files + $2 >= total_files then 'failed' else status end,
                                completed_at = case when failed_files + $2 >= total_files then now() end,
                                expires_at = case when failed_files + $2 >= total_files
                                    then now() + make_interval(secs => retention_secs) end
                            where id = $1
                            returning id, expires_at)
                        update conversions c set expires_at = j.expires_at
                        from j where c.job_id = j.id and j.expires_at is not null""")
                .execute(Tuple.of(jobId, refused))
                .replaceWithVoid();
    }
}
