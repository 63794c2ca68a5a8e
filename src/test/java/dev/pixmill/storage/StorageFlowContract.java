package dev.pixmill.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.jobs.ConversionParams;
import dev.pixmill.jobs.ConversionWorker;
import dev.pixmill.jobs.QueueSweeper;
import dev.pixmill.support.Batches;
import dev.pixmill.support.TestImages;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static dev.pixmill.support.Conversions.awaitEnd;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

/**
 * Uploads, results and their deletion through the running application, for each storage
 * backend (a subclass per backend): the bytes are in the object store, the rows only name them,
 * every deletion path takes the object too, and a row whose object is gone answers cleanly.
 */
abstract class StorageFlowContract {

    @Inject
    ObjectStore objects;

    @Inject
    BlobStore blobs;

    @Inject
    BlobSweeper blobSweeper;

    @Inject
    QueueSweeper queueSweeper;

    @Inject
    ConversionWorker worker;

    @Inject
    Pool pool;

    @Inject
    ObjectMapper json;

    private String convertToPng(int width, int height) {
        String id = given().multiPart("file", "photo.png", TestImages.png(width, height), "image/png")
                .multiPart("output_format", "png").multiPart("width", String.valueOf(width / 2))
                .post("/api/v1/convert").then().statusCode(202).extract().path("id");
        JsonPath status = awaitEnd(id);
        assertThat(status.getString("status")).as(status.prettify()).isEqualTo("completed");
        return id;
    }

    @Test
    void aConversionsBytesLiveInTheStoreAndItsRowsOnlyNameThem() throws Exception {
        String id = convertToPng(640, 480);
        JsonPath status = awaitEnd(id);
        Response response = given().get(status.getString("download_url"));
        response.then().statusCode(200).header("Content-Type", equalTo("image/png"));
        byte[] png = response.asByteArray();
        assertThat(Long.parseLong(response.header("Content-Length"))).isEqualTo(png.length);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(320);
        assertThat(image.getHeight()).isEqualTo(240);

        Row output = blobRow(id, "output");
        assertThat(output.getBuffer("data")).as("bytes out of the row").isNull();
        String key = output.getString("store_key");
        assertThat(key).startsWith(BlobStore.KEY_PREFIX + id.substring(0, 2) + "/" + id + "-output-");
        assertThat(output.getLong("size")).isEqualTo(png.length);
        assertThat(objects.readAll(key, png.length).await().indefinitely()).isEqualTo(png);

        // the input's row went when the result was stored; its object goes with the next drain
        assertThat(blobRow(id, "input")).isNull();
        assertThat(drainedObjectsOf(id, 1)).containsExactly(key);
    }

    @Test
    void expiryAndPurgeRemoveTheObjectsAsWellAsTheRows() {
        String id = convertToPng(200, 100);
        String key = blobRow(id, "output").getString("store_key");
        assertThat(objects.size(key).await().indefinitely()).isPositive();

        pool.preparedQuery("update conversions set expires_at = now() - interval '11 minutes' where id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().indefinitely();
        assertThat(queueSweeper.purgeExpired().await().indefinitely()).isGreaterThanOrEqualTo(1);
        assertThat(blobRow(id, "output")).isNull();
        // the purge's transaction queued the object (unless the scheduled sweep has drained it already)
        assertThat(count("select count(*) from blob_garbage where store_key = $1", key) == 1
                || objects.size(key).await().indefinitely() == null).isTrue();
        assertThat(drainedObjectsOf(id, 0)).isEmpty();
        assertThat(objects.size(key).await().indefinitely()).isNull();
        assertThat(count("select count(*) from blob_garbage where store_key = $1", key)).isZero();
    }

    @Test
    void aBatchZipIsStreamedFromTheStoreAndItsPurgeTakesEveryObject() throws Exception {
        String jobId = Batches.upload(java.util.Map.of("a.png", TestImages.png(300, 200), "b.png", TestImages.png(64, 64)))
                .multiPart("output_format", "png").post("/api/v1/convert/batch")
                .then().statusCode(202).extract().path("job_id");
        assertThat(Batches.awaitEnd(jobId).getString("status")).isEqualTo("completed");
        var entries = Batches.unzip(given().get("/api/v1/jobs/{id}/zip", jobId).then().statusCode(200)
                .contentType("application/zip").extract().asByteArray());
        assertThat(entries).containsOnlyKeys("a.png", "b.png");
        assertThat(ImageIO.read(new ByteArrayInputStream(entries.get("a.png"))).getWidth()).isEqualTo(300);
        assertThat(ImageIO.read(new ByteArrayInputStream(entries.get("b.png"))).getHeight()).isEqualTo(64);

        List<String> items = pool.preparedQuery("select id from conversions where job_id = $1")
                .execute(Tuple.of(UUID.fromString(jobId))).await().indefinitely()
                .stream().map(r -> r.getUUID("id").toString()).toList();
        assertThat(items).hasSize(2);
        for (String item : items) {
            assertThat(drainedObjectsOf(item, 1)).as("only the result is left").hasSize(1);
        }
        // the job goes past its expiry: its items go by cascade, and with them their objects
        pool.preparedQuery("update jobs set expires_at = now() - interval '1 hour' where id = $1")
                .execute(Tuple.of(UUID.fromString(jobId))).await().indefinitely();
        queueSweeper.purgeExpired().await().indefinitely();
        for (String item : items) {
            assertThat(drainedObjectsOf(item, 0)).isEmpty();
        }
    }

    @Test
    void aReplacedBlobQueuesItsOldObject() {
        String id = convertToPng(60, 60);
        UUID uuid = UUID.fromString(id);
        String first = blobRow(id, "output").getString("store_key");
        BlobStore.Stored second = blobs.write(uuid, BlobStore.Role.OUTPUT, "image/png", TestImages.png(10, 10))
                .await().indefinitely();
        pool.withTransaction(tx -> blobs.record(tx, uuid, BlobStore.Role.OUTPUT, second)).await().indefinitely();
        assertThat(blobRow(id, "output").getString("store_key")).isEqualTo(second.key());
        assertThat(drainedObjectsOf(id, 1)).containsExactly(second.key());
        assertThat(objects.size(first).await().indefinitely()).isNull();
        assertThat(objects.size(second.key()).await().indefinitely()).isPositive();
    }

    @Test
    void anObjectWhoseRowNeverCommittedIsCollectedByTheOrphanScan() {
        UUID id = UUID.randomUUID();
        BlobStore.Stored stored = blobs.write(id, BlobStore.Role.INPUT, "image/png", TestImages.png(50, 50))
                .await().indefinitely();
        // the row's transaction fails after the object was written (here: no such conversion)
        assertThatThrownBy(() -> pool.withTransaction(tx -> blobs.record(tx, id, BlobStore.Role.INPUT, stored))
                .await().indefinitely()).hasMessageContaining("conversion_id");
        assertThat(objects.size(stored.key()).await().indefinitely()).isPositive();

        String kept = convertToPng(100, 100);
        String keptKey = blobRow(kept, "output").getString("store_key");

        // objects younger than the cut-off are left alone (their transaction may still be open)
        blobSweeper.collectOrphans(Instant.now().minusSeconds(3600)).await().indefinitely();
        assertThat(objects.size(stored.key()).await().indefinitely()).isPositive();

        assertThat(blobSweeper.collectOrphans(Instant.now().plusSeconds(1)).await().indefinitely())
                .isGreaterThanOrEqualTo(1);
        assertThat(objects.size(stored.key()).await().indefinitely()).isNull();
        assertThat(objects.size(keptKey).await().indefinitely()).as("an object with a row stays").isPositive();
        given().get("/api/v1/download/" + awaitEnd(kept).getString("download_token")).then().statusCode(200);
    }

    @Test
    void discardingTakesOnlyObjectsThatNoRowNames() {
        String id = convertToPng(80, 80);
        Row output = blobRow(id, "output");
        // a transaction whose commit answer was lost, though it committed: its object must stay
        blobs.discard(new BlobStore.Stored(output.getString("store_key"), "image/png", output.getLong("size")))
                .await().indefinitely();
        assertThat(objects.size(output.getString("store_key")).await().indefinitely()).isEqualTo(output.getLong("size"));
        given().get(awaitEnd(id).getString("download_url")).then().statusCode(200);

        BlobStore.Stored unrecorded = blobs.write(UUID.randomUUID(), BlobStore.Role.INPUT, "image/png",
                TestImages.png(10, 10)).await().indefinitely();
        blobs.discard(unrecorded).await().indefinitely();
        assertThat(objects.size(unrecorded.key()).await().indefinitely()).isNull();
    }

    @Test
    void aResultWhoseObjectIsGoneIsAClearNotFoundNeverAnErrorOrAHang() {
        String id = convertToPng(120, 80);
        String url = awaitEnd(id).getString("download_url");
        objects.delete(blobRow(id, "output").getString("store_key")).await().indefinitely();

        given().get(url).then().statusCode(404).contentType("application/json")
                .body("error", equalTo(BlobStore.MISSING_CODE))
                .body("message", equalTo("the stored output of this conversion is missing"));
    }

    @Test
    void aQueuedConversionWhoseInputIsGoneFailsWithAClearMessage() throws Exception {
        UUID id = UUID.randomUUID();
        String params = json.writeValueAsString(new ConversionParams(ImageFormat.PNG, 80, null, null, false, false,
                new ImageLimits(20 << 20, 8000, 8000, 64, true)));
        byte[] input = TestImages.png(40, 40);
        BlobStore.Stored stored = blobs.write(id, BlobStore.Role.INPUT, "image/png", input).await().indefinitely();
        objects.delete(stored.key()).await().indefinitely();
        pool.withTransaction(tx -> tx.preparedQuery("""
                        insert into conversions (id, owner, kind, status, params, input_filename, input_format,
                            input_size, output_format)
                        values ($1, 'anon:127.0.0.1', 'convert', 'pending', $3, 'gone.png', 'png', $2, 'png')""")
                        .execute(Tuple.of(id, (long) input.length, params))
                        .chain(() -> blobs.record(tx, id, BlobStore.Role.INPUT, stored)))
                .await().indefinitely();
        worker.pump();

        JsonPath status = awaitEnd(id.toString());
        assertThat(status.getString("status")).isEqualTo("failed");
        assertThat(count("select count(*) from conversions where id = $1 and error_code = 'input_missing'", id)).isOne();
        assertThat(status.getString("error_message")).isEqualTo("the input of this conversion is gone from storage");
    }

    @Test
    void aRowWrittenBeforeTheStoreExistedStillDownloads() {
        // as V1 wrote them: the bytes in the row, no key, no size
        UUID id = UUID.randomUUID();
        byte[] png = TestImages.png(300, 200);
        String token = "legacy" + UUID.randomUUID().toString().replace("-", "");
        pool.withTransaction(tx -> tx.preparedQuery("""
                        insert into conversions (id, owner, kind, status, params, input_filename, input_format,
                            input_size, output_format, output_size, output_width, output_height, progress,
                            download_token, started_at, completed_at, expires_at)
                        values ($1, 'anon:127.0.0.1', 'convert', 'completed', '{}', 'old.png', 'png', $2, 'png', $2,
                            300, 200, 100, $3, now(), now(), now() + interval '1 hour')""")
                        .execute(Tuple.of(id, (long) png.length, token))
                        .chain(() -> tx.preparedQuery("insert into blobs (conversion_id, role, content_type, data)"
                                + " values ($1, 'output', 'image/png', $2)").execute(Tuple.of(id, Buffer.buffer(png)))))
                .await().indefinitely();

        Response response = given().get("/api/v1/download/" + token);
        response.then().statusCode(200).header("Content-Type", equalTo("image/png"))
                .header("Content-Length", String.valueOf(png.length));
        assertThat(response.asByteArray()).isEqualTo(png);
        // deleting such a row queues nothing for the store
        pool.preparedQuery("delete from conversions where id = $1").execute(Tuple.of(id)).await().indefinitely();
        assertThat(count("select count(*) from blob_garbage where store_key like $1", "%" + id + "%")).isZero();
    }

    @Test
    void readinessIncludesTheStore() {
        given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'blob-store' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'blob-store' }.data.store", equalTo(objects.describe()));
    }

    private Row blobRow(String conversionId, String role) {
        var rows = pool.preparedQuery("select data, store_key, size from blobs where conversion_id = $1 and role = $2")
                .execute(Tuple.of(UUID.fromString(conversionId), role)).await().indefinitely();
        var it = rows.iterator();
        return it.hasNext() ? it.next() : null;
    }

    /** The keys in the store that belong to a conversion. */
    private List<String> objectsOf(String conversionId) {
        return objects.list(BlobStore.KEY_PREFIX + conversionId.substring(0, 2) + "/" + conversionId)
                .map(ObjectStore.Listed::key).collect().asList().await().indefinitely();
    }

    /**
     * The conversion's keys once the garbage has been drained down to {@code expected} of them:
     * drains and looks again for a while, since the scheduled sweep may hold the entries (locked)
     * when this drain runs.
     */
    private List<String> drainedObjectsOf(String conversionId, int expected) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        List<String> keys;
        do {
            blobSweeper.drainGarbage().await().indefinitely();
            keys = objectsOf(conversionId);
            if (keys.size() <= expected) {
                return keys;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < deadline);
        return keys;
    }

    private long count(String sql, Object value) {
        return pool.preparedQuery(sql).execute(Tuple.of(value)).await().indefinitely().iterator().next().getLong(0);
    }
}
