package dev.pixmill.convert;

import dev.pixmill.engine.ImageFormat;
import dev.pixmill.support.Batches;
import dev.pixmill.support.Magic;
import dev.pixmill.support.Tasks;
import dev.pixmill.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import dev.pixmill.jobs.QueueSweeper;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.pixmill.support.Batches.awaitEnd;
import static dev.pixmill.support.Batches.unzip;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The batch tutorial's flow and its failures, against the real queue, engine and database. */
@QuarkusTest
class BatchFlowTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    Pool pool;

    @Inject
    QueueSweeper sweeper;

    @Test
    void batchTutorialUploadPollDownloadEachAndZip() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("photo1.jpg", TestImages.jpeg(1200, 900));
        files.put("photo2.png", TestImages.png(640, 480));
        files.put("diagram.png", TestImages.png(300, 1000));
        JsonPath accepted = Batches.upload(files).multiPart("output_format", "webp").multiPart("width", "400")
                .post("/api/v1/convert/batch").then().statusCode(202).extract().jsonPath();
        assertThat(accepted.getString("status")).isEqualTo("processing");
        assertThat(accepted.getInt("total_files")).isEqualTo(3);
        String jobId = accepted.getString("job_id");

        JsonPath job = awaitEnd(jobId);
        assertThat(job.getString("status")).isEqualTo("completed");
        assertThat(job.getInt("completed_files")).isEqualTo(3);
        assertThat(job.getInt("failed_files")).isZero();
        assertThat(job.getString("zip_url")).isEqualTo("/api/v1/jobs/" + jobId + "/zip");
        assertThat(job.getString("expires_at")).isNotNull();
        List<Map<String, Object>> items = job.getList("items");
        assertThat(items).extracting(i -> i.get("filename"))
                .containsExactly("photo1.webp", "photo2.webp", "diagram.webp");
        int[][] sizes = { { 400, 300 }, { 400, 300 }, { 300, 1000 } }; // never enlarged
        String origin = base.toString().replaceAll("/$", "");
        for (int i = 0; i < items.size(); i++) {
            Map<String, Object> item = items.get(i);
            assertThat(item.get("status")).isEqualTo("completed");
            assertThat(item).containsKey("error_message");
            assertThat(item.get("error_message")).isNull();
            String url = (String) item.get("download_url");
            assertThat(url).as("absolute link").startsWith(origin + "/api/v1/download/");
            byte[] image = given().get(url).then().statusCode(200)
                    .header("Content-Disposition", containsString((String) item.get("filename")))
                    .extract().asByteArray();
            assertThat(Magic.matches(ImageFormat.WEBP, image)).isTrue();
            assertThat(((Number) item.get("output_size")).longValue()).isEqualTo(image.length);
            assertThat(((Number) item.get("input_size")).longValue()).isEqualTo(files.values().toArray(byte[][]::new)[i].length);
            assertThat(item.get("width")).isEqualTo(sizes[i][0]);
            assertThat(item.get("height")).isEqualTo(sizes[i][1]);
            // each item is an ordinary conversion of the caller
            given().get("/api/v1/convert/{id}/status", item.get("id")).then().statusCode(200)
                    .body("status", equalTo("completed"));
        }

        Response zip = given().get(job.getString("zip_url")).then().statusCode(200)
                .contentType("application/zip")
                .header("Content-Disposition", containsString("batch-" + jobId + ".zip")).extract().response();
        byte[] archive = zip.asByteArray();
        assertThat(Long.parseLong(zip.header("Content-Length"))).isEqualTo(archive.length);
        Map<String, byte[]> entries = unzip(archive);
        assertThat(entries.keySet()).containsExactly("photo1.webp", "photo2.webp", "diagram.webp");
        int i = 0;
        for (byte[] entry : entries.values()) {
            assertThat(Magic.matches(ImageFormat.WEBP, entry)).isTrue();
            assertThat(entry.length).isEqualTo(((Number) items.get(i++).get("output_size")).intValue());
        }
        // HEAD: the same headers, no body
        given().head(job.getString("zip_url")).then().statusCode(200)
                .header("Content-Length", String.valueOf(archive.length));
    }

    @Test
    void badInputsFailTheirItemOnlyAndTheZipHoldsTheRest() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("good.png", TestImages.png(200, 100));
        files.put("notes.txt", "not an image at all".getBytes());
        byte[] png = TestImages.png(200, 100);
        files.put("truncated.png", java.util.Arrays.copyOf(png, 60));
        files.put("empty.png", new byte[0]);
        files.put("huge.png", TestImages.pngZeros(9000, 100)); // over 8000 px wide, refused from its header
        String jobId = Batches.upload(files).multiPart("output_format", "jpg").post("/api/v1/convert/batch")
                .then().statusCode(202).extract().path("job_id");
        JsonPath job = awaitEnd(jobId);
        assertThat(job.getString("status")).isEqualTo("completed");
        assertThat(job.getInt("completed_files")).isEqualTo(1);
        assertThat(job.getInt("failed_files")).isEqualTo(4);
        List<Map<String, Object>> items = job.getList("items");
        assertThat(items).extracting(m -> m.get("status"))
                .containsExactly("completed", "failed", "failed", "failed", "failed");
        assertThat(items.get(0)).containsKey("download_url");
        for (Map<String, Object> failed : items.subList(1, 5)) {
            assertThat(failed).doesNotContainKey("download_url");
            assertThat((String) failed.get("error_message")).isNotBlank();
        }
        assertThat((String) items.get(1).get("error_message")).contains("not an image format");
        assertThat((String) items.get(3).get("error_message")).contains("empty");
        assertThat((String) items.get(4).get("error_message")).contains("9000x100");

        Map<String, byte[]> entries = unzip(given().get("/api/v1/jobs/{id}/zip", jobId).then().statusCode(200)
                .extract().asByteArray());
        assertThat(entries.keySet()).containsExactly("good.jpg");
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(entries.get("good.jpg")));
        assertThat(decoded.getWidth()).isEqualTo(200);
        assertThat(decoded.getHeight()).isEqualTo(100);
    }

    @Test
    void aBatchWhoseEveryItemFailsHasFailedAndNothingToZip() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("a.txt", "text".getBytes());
        files.put("b.txt", "more text".getBytes());
        String jobId = Batches.upload(files).post("/api/v1/convert/batch").then().statusCode(202)
                .extract().path("job_id");
        JsonPath job = awaitEnd(jobId);
        assertThat(job.getString("status")).isEqualTo("failed");
        assertThat(job.getInt("failed_files")).isEqualTo(2);
        assertThat(job.getInt("completed_files")).isZero();
        assertThat(job.getString("expires_at")).isNotNull();
        given().get("/api/v1/jobs/{id}/zip", jobId).then().statusCode(409)
                .body("error", equalTo("nothing_to_archive"));
    }

    @Test
    void anItemThatFailsInTheWorkerFailsAloneAndTheJobStillCompletes() {
        // passes the header probe, fails while its pixels are decoded
        byte[] jpeg = TestImages.jpeg(400, 300);
        byte[] cut = java.util.Arrays.copyOf(jpeg, jpeg.length / 3);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("cut.jpg", cut);
        files.put("fine.jpg", TestImages.jpeg(400, 300));
        String jobId = Batches.upload(files).multiPart("output_format", "png").post("/api/v1/convert/batch")
                .then().statusCode(202).extract().path("job_id");
        JsonPath job = awaitEnd(jobId);
        assertThat(job.getString("status")).isEqualTo("completed");
        assertThat(job.getList("items.status")).containsExactly("failed", "completed");
        assertThat(job.getString("items[0].error_message")).contains("cannot be decoded");
    }

    @Test
    void zipNamesAreUniqueAndBare() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        byte[] png = TestImages.png(40, 30);
        // the multipart layer keeps distinct parts even with equal names
        List<String> names = List.of("photo.png", "photo.jpg", "PHOTO.png", "../../../etc/photo.png", "..\\x\\photo.gif",
                "tab\there.png");
        RequestSpecificationHolder holder = new RequestSpecificationHolder();
        for (String n : names) {
            holder.spec.multiPart("files", n, png, "image/png");
        }
        String jobId = holder.spec.multiPart("output_format", "webp").post("/api/v1/convert/batch")
                .then().statusCode(202).extract().path("job_id");
        assertThat(awaitEnd(jobId).getString("status")).isEqualTo("completed");
        Map<String, byte[]> entries = unzip(given().get("/api/v1/jobs/{id}/zip", jobId).then().statusCode(200)
                .extract().asByteArray());
        assertThat(entries.keySet()).containsExactly("photo.webp", "photo (2).webp", "PHOTO (3).webp",
                "photo (4).webp", "photo (5).webp", "tab_here.webp");
        assertThat(entries.values()).allSatisfy(b -> assertThat(Magic.matches(ImageFormat.WEBP, b)).isTrue());
    }

    private static final class RequestSpecificationHolder {
        final io.restassured.specification.RequestSpecification spec = given();
    }

    @Test
    void requestsThatCannotBeABatchAreRefusedWholeAndCreateNothing() {
        long before = jobCount();
        given().multiPart("output_format", "webp").post("/api/v1/convert/batch").then().statusCode(400)
                .body("error", equalTo("missing_file"));
        Map<String, byte[]> many = new LinkedHashMap<>();
        byte[] png = TestImages.png(8, 8);
        for (int i = 0; i < 51; i++) {
            many.put("p" + i + ".png", png);
        }
        Batches.upload(many).post("/api/v1/convert/batch").then().statusCode(400)
                .body("error", equalTo("too_many_files")).body("message", containsString("at most 50"));
        Map<String, byte[]> two = Map.of("a.png", png, "b.png", png);
        Batches.upload(two).multiPart("quality", "101").post("/api/v1/convert/batch").then().statusCode(400)
                .body("error", equalTo("invalid_parameter")).body("message", containsString("quality"));
        Batches.upload(two).multiPart("output_format", "png").multiPart("target_kb", "10")
                .post("/api/v1/convert/batch").then().statusCode(400).body("error", equalTo("invalid_parameter"));
        // URL batches
        given().contentType("application/json").body(Map.of("urls", List.of())).post("/api/v1/convert/url/batch")
                .then().statusCode(400).body("error", equalTo("missing_file"));
        List<String> fiftyOne = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            fiftyOne.add("http://127.0.0.1:1/p" + i + ".png");
        }
        given().contentType("application/json").body(Map.of("urls", fiftyOne)).post("/api/v1/convert/url/batch")
                .then().statusCode(400).body("error", equalTo("too_many_files"));
        given().contentType("application/json")
                .body(Map.of("urls", List.of("http://127.0.0.1:1/a.png", "not a url", "ftp://x/y.png")))
                .post("/api/v1/convert/url/batch").then().statusCode(400)
                .body("error", equalTo("invalid_url")).body("message", containsString("urls[1]"));
        given().contentType("application/json")
                .body(Map.of("urls", List.of("http://127.0.0.1:1/a.png", "ftp://x/y.png")))
                .post("/api/v1/convert/url/batch").then().statusCode(400)
                .body("error", equalTo("url_not_allowed")).body("message", containsString("urls[1]"));
        given().contentType("application/json").body("{\"urls\": \"http://x/a.png\"}")
                .post("/api/v1/convert/url/batch").then().statusCode(400);
        assertThat(jobCount()).isEqualTo(before);
    }

    @Test
    void jobsAreOwnedLikeConversions() {
        String key = Tasks.createKey("batch-owner");
        String jobId = Batches.upload(Map.of("a.png", TestImages.png(32, 32))).header("X-API-Key", key)
                .post("/api/v1/convert/batch").then().statusCode(202).extract().path("job_id");
        awaitEnd(jobId, Map.of("X-API-Key", key));
        given().get("/api/v1/jobs/{id}", jobId).then().statusCode(404).body("error", equalTo("not_found"));
        given().get("/api/v1/jobs/{id}/zip", jobId).then().statusCode(404);
        given().get("/api/v1/jobs/{id}/events", jobId).then().statusCode(404);
        given().header("X-API-Key", Tasks.createKey("someone-else")).get("/api/v1/jobs/{id}", jobId)
                .then().statusCode(404);
        given().get("/api/v1/jobs/{id}", "not-a-uuid").then().statusCode(404);
        given().header("X-API-Key", key).get("/api/v1/jobs/{id}/zip", jobId).then().statusCode(200);
    }

    @Test
    void aUrlBatchFetchesEachUrlAndFailsTheUnreachableOnes() throws Exception {
        byte[] png = TestImages.png(300, 200);
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            var server = vertx.createHttpServer().requestHandler(req -> {
                if (req.path().endsWith(".png")) {
                    req.response().putHeader("Content-Type", "image/png").end(io.vertx.core.buffer.Buffer.buffer(png));
                } else {
                    req.response().setStatusCode(404).end("gone");
                }
            }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
            String origin = "http://127.0.0.1:" + server.actualPort();
            JsonPath accepted = given().contentType("application/json").body(Map.of(
                            "urls", List.of(origin + "/one.png", origin + "/missing", origin + "/two.png"),
                            "output_format", "avif", "height", "100"))
                    .post("/api/v1/convert/url/batch").then().statusCode(202).extract().jsonPath();
            assertThat(accepted.getInt("total_files")).isEqualTo(3);
            JsonPath job = awaitEnd(accepted.getString("job_id"));
            assertThat(job.getString("status")).isEqualTo("completed");
            assertThat(job.getList("items.status")).containsExactly("completed", "failed", "completed");
            assertThat(job.getList("items.filename")).containsExactly("one.avif", "missing.avif", "two.avif");
            assertThat(job.getString("items[1].error_message")).contains("404");
            byte[] avif = given().get(job.getString("items[2].download_url")).then().statusCode(200)
                    .extract().asByteArray();
            assertThat(Magic.matches(ImageFormat.AVIF, avif)).isTrue();
            assertThat(job.getInt("items[2].height")).isEqualTo(100);
            assertThat(job.getInt("items[2].width")).isEqualTo(150);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    @Test
    void smartQualityAndTargetSizeWorkOnBatches() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("a.jpg", TestImages.jpeg(800, 600));
        files.put("b.jpg", TestImages.jpeg(600, 800));
        String smart = Batches.upload(files).multiPart("output_format", "jpg").multiPart("smart_quality", "low")
                .post("/api/v1/convert/batch").then().statusCode(202).extract().path("job_id");
        String target = Batches.upload(files).multiPart("output_format", "webp").multiPart("target_kb", "8")
                .post("/api/v1/convert/batch").then().statusCode(202).extract().path("job_id");
        JsonPath s = awaitEnd(smart);
        assertThat(s.getString("status")).isEqualTo("completed");
        JsonPath t = awaitEnd(target);
        assertThat(t.getString("status")).isEqualTo("completed");
        for (int i = 0; i < 2; i++) {
            assertThat(t.getLong("items[" + i + "].output_size")).isLessThanOrEqualTo(8 * 1024);
            assertThat(s.getLong("items[" + i + "].output_size")).isPositive();
        }
    }

    @Test
    void aBatchOverTheBodyLimitIsRefusedFromItsDeclaredLengthAndASingleUploadKeepsItsLimit() {
        // a single convert request over 24 MB is refused by its Content-Length; a batch of that size is not
        byte[] big = new byte[25 << 20];
        given().multiPart("file", "big.png", big, "image/png").post("/api/v1/convert").then().statusCode(413)
                .body("error", equalTo("file_too_large"));
        Map<String, byte[]> files = Map.of("big.png", big, "ok.png", TestImages.png(20, 20));
        String jobId = Batches.upload(files).post("/api/v1/convert/batch").then().statusCode(202)
                .extract().path("job_id");
        JsonPath job = awaitEnd(jobId);
        assertThat(job.getList("items.status")).containsExactlyInAnyOrder("failed", "completed");
    }

    @Test
    void anEndedJobExpiresWithItsItemsAndTheirBytes() {
        Map<String, byte[]> files = Map.of("a.png", TestImages.png(50, 40), "b.png", TestImages.png(40, 50));
        String jobId = Batches.upload(files).post("/api/v1/convert/batch").then().statusCode(202)
                .extract().path("job_id");
        JsonPath job = awaitEnd(jobId);
        String download = job.getString("items[0].download_url");
        UUID id = UUID.fromString(jobId);
        // every item shares the job's expiry, however early it ended
        long distinct = pool.preparedQuery("select count(distinct c.expires_at) from conversions c join jobs j"
                        + " on j.id = c.job_id where j.id = $1 and c.expires_at = j.expires_at")
                .execute(Tuple.of(id)).await().indefinitely().iterator().next().getLong(0);
        assertThat(distinct).isEqualTo(1);
        // an item alone past its expiry is not purged while its job is kept ...
        pool.preparedQuery("update conversions set expires_at = now() - interval '1 hour' where job_id = $1")
                .execute(Tuple.of(id)).await().indefinitely();
        sweeper.purgeExpired().await().indefinitely();
        assertThat(count("select count(*) from conversions where job_id = $1", id)).isEqualTo(2);
        // ... the job past its expiry goes, with its items and their bytes
        pool.preparedQuery("update jobs set expires_at = now() - interval '1 hour' where id = $1")
                .execute(Tuple.of(id)).await().indefinitely();
        given().get("/api/v1/jobs/{id}", jobId).then().statusCode(404);
        assertThat(sweeper.purgeExpired().await().indefinitely()).isGreaterThanOrEqualTo(2);
        assertThat(count("select count(*) from jobs where id = $1", id)).isZero();
        assertThat(count("select count(*) from conversions where job_id = $1", id)).isZero();
        assertThat(count("select count(*) from blobs b where not exists (select 1 from conversions c"
                + " where c.id = b.conversion_id)", null)).isZero();
        given().get(download).then().statusCode(404).body("error", equalTo("not_found"));
    }

    private long count(String sql, UUID id) {
        var query = pool.preparedQuery(sql);
        return (id == null ? query.execute() : query.execute(Tuple.of(id))).await().indefinitely().iterator().next()
                .getLong(0);
    }

    private long jobCount() {
        return pool.query("select count(*) from jobs").execute().await().indefinitely().iterator().next().getLong(0);
    }
}
