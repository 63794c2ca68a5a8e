package dev.pixmill.storage;

import dev.pixmill.engine.ImageFormat;
import dev.pixmill.support.Magic;
import dev.pixmill.support.Tasks;
import dev.pixmill.support.TestImages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.pixmill.support.Conversions.awaitEnd;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The result cache through the running application: the same work by two callers runs the engine
 * once, each caller keeps its own conversion, and eviction never takes bytes a conversion still
 * downloads.
 */
@QuarkusTest
class ResultCacheTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    ResultCache cache;

    @Inject
    BlobSweeper sweeper;

    @Inject
    ObjectStore objects;

    @Inject
    MeterRegistry registry;

    @Inject
    Pool pool;

    private String alice;
    private String bob;

    @BeforeEach
    void setUp() {
        cache.enabled(true);
        sql("delete from result_cache");
        alice = Tasks.createKey("cache-alice");
        bob = Tasks.createKey("cache-bob");
    }

    @AfterEach
    void tearDown() {
        cache.enabled(false);
    }

    /** Converts {@code image} for {@code key}; the final status document. */
    private JsonPath convert(String key, byte[] image, String quality, String width) {
        String id = given().header("Authorization", "Bearer " + key)
                .multiPart("file", "photo.png", image, "image/png")
                .multiPart("output_format", "jpg").multiPart("quality", quality).multiPart("width", width)
                .post("/api/v1/convert").then().statusCode(202).extract().path("id");
        JsonPath status = awaitEnd(id, Map.of("Authorization", "Bearer " + key));
        assertThat(status.getString("status")).as(status.prettify()).isEqualTo("completed");
        return status;
    }

    private static byte[] download(JsonPath status) {
        return given().get(status.getString("download_url")).then().statusCode(200).extract().asByteArray();
    }

    private static BufferedImage decode(byte[] bytes) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(image).as("decodable").isNotNull();
        return image;
    }

    private double count(String name, String kind) {
        Counter counter = registry.find(name).tag("kind", kind).counter();
        return counter == null ? 0 : counter.count();
    }

    private String outputKey(String id) {
        Row row = one("select store_key from blobs where conversion_id = $1 and role = 'output'", UUID.fromString(id));
        return row == null ? null : row.getString("store_key");
    }

    private long entries() {
        return one("select count(*) from result_cache").getLong(0);
    }

    private Row one(String sql, Object... args) {
        var rows = pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(WAIT);
        return rows.size() == 0 ? null : rows.iterator().next();
    }

    private void sql(String sql, Object... args) {
        pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(WAIT);
    }

    private boolean stored(String key) {
        return objects.size(key).await().atMost(WAIT) != null;
    }

    /** Deletes the conversion as the purge does (blob rows cascade, their objects are queued), then drains. */
    private void purge(String id) {
        sql("delete from conversions where id = $1", UUID.fromString(id));
        sweeper.drainGarbage().await().atMost(WAIT);
    }

    @Test
    void theSameWorkForAnotherCallerIsServedFromTheCacheAndStaysItsOwn() throws IOException {
        byte[] png = TestImages.png(480, 360);
        double hits = count("pixmill.cache.hits", "convert");
        double misses = count("pixmill.cache.misses", "convert");

        JsonPath first = convert(alice, png, "70", "240");
        assertThat(count("pixmill.cache.misses", "convert")).isEqualTo(misses + 1);
        assertThat(entries()).isEqualTo(1);
        JsonPath second = convert(bob, png, "70", "240");
        assertThat(count("pixmill.cache.hits", "convert")).isEqualTo(hits + 1);
        assertThat(count("pixmill.cache.misses", "convert")).isEqualTo(misses + 1);

        // no encode ran for the second: its own row names the object the first result was stored as
        String firstId = first.getString("id");
        String secondId = second.getString("id");
        assertThat(secondId).isNotEqualTo(firstId);
        assertThat(outputKey(secondId)).isEqualTo(outputKey(firstId));
        assertThat(one("select hits from result_cache").getLong(0)).isEqualTo(1);

        byte[] a = download(first);
        byte[] b = download(second);
        assertThat(Magic.matches(ImageFormat.JPEG, b)).isTrue();
        assertThat(b).isEqualTo(a);
        assertThat(second.getInt("width")).isEqualTo(240);
        assertThat(second.getInt("height")).isEqualTo(180);
        assertThat(second.getLong("output_size")).isEqualTo(b.length);

        // each caller has its own conversion and its own download
        assertThat(second.getString("download_token")).isNotEqualTo(first.getString("download_token"));
        assertThat(second.getString("download_url")).isNotEqualTo(first.getString("download_url"));
        given().header("Authorization", "Bearer " + bob).get("/api/v1/convert/{id}/status", firstId)
                .then().statusCode(404);
        given().header("Authorization", "Bearer " + alice).get("/api/v1/convert/{id}/status", secondId)
                .then().statusCode(404);
    }

    @Test
    void otherQualityOrSizeIsOtherWork() throws IOException {
        byte[] png = TestImages.png(300, 200);
        double hits = count("pixmill.cache.hits", "convert");
        JsonPath base = convert(alice, png, "60", "150");
        JsonPath quality = convert(bob, png, "61", "150");
        JsonPath size = convert(bob, png, "60", "149");
        assertThat(count("pixmill.cache.hits", "convert")).isEqualTo(hits);
        assertThat(entries()).isEqualTo(3);
        assertThat(outputKey(quality.getString("id"))).isNotEqualTo(outputKey(base.getString("id")));
        assertThat(decode(download(size)).getWidth()).isEqualTo(149);
        assertThat(decode(download(quality)).getWidth()).isEqualTo(150);
    }

    @Test
    void switchedOffEveryConversionRunsAndNothingIsAdded() {
        cache.enabled(false);
        byte[] png = TestImages.png(200, 200);
        double hits = count("pixmill.cache.hits", "convert");
        double misses = count("pixmill.cache.misses", "convert");
        JsonPath first = convert(alice, png, "70", "100");
        JsonPath second = convert(bob, png, "70", "100");
        assertThat(count("pixmill.cache.hits", "convert")).isEqualTo(hits);
        assertThat(count("pixmill.cache.misses", "convert")).isEqualTo(misses);
        assertThat(entries()).isZero();
        assertThat(outputKey(second.getString("id"))).isNotEqualTo(outputKey(first.getString("id")));
    }

    @Test
    void evictionNeverTakesBytesAConversionStillNames() throws IOException {
        byte[] png = TestImages.png(320, 240);
        JsonPath first = convert(alice, png, "70", "160");
        JsonPath second = convert(bob, png, "70", "160");
        String key = outputKey(second.getString("id"));
        assertThat(key).isEqualTo(outputKey(first.getString("id")));
        byte[] expected = download(first);

        // the conversion the entry was made from goes; the entry and the served conversion keep the object
        purge(first.getString("id"));
        assertThat(stored(key)).isTrue();

        // the entry goes (nothing fits in zero bytes); the served conversion still names the object
        assertThat(cache.evict(0).await().atMost(WAIT)).isEqualTo(1);
        assertThat(entries()).isZero();
        sweeper.drainGarbage().await().atMost(WAIT);
        assertThat(stored(key)).isTrue();
        byte[] later = download(second);
        assertThat(later).isEqualTo(expected);
        assertThat(decode(later).getWidth()).isEqualTo(160);
        // the orphan scan leaves it too: a row names it
        sweeper.collectOrphans(java.time.Instant.now().plusSeconds(60)).await().atMost(WAIT);
        assertThat(stored(key)).isTrue();

        // once nothing names it, the drain deletes it
        purge(second.getString("id"));
        assertThat(stored(key)).isFalse();
    }

    @Test
    void anEntryOutlivesItsConversionAndTheOrphanScanLeavesItsObject() {
        byte[] png = TestImages.png(260, 200);
        JsonPath first = convert(alice, png, "70", "130");
        String key = outputKey(first.getString("id"));
        purge(first.getString("id"));
        sweeper.collectOrphans(java.time.Instant.now().plusSeconds(60)).await().atMost(WAIT);
        assertThat(stored(key)).isTrue();

        JsonPath second = convert(bob, png, "70", "130");
        assertThat(outputKey(second.getString("id"))).isEqualTo(key);
        assertThat(Magic.matches(ImageFormat.JPEG, download(second))).isTrue();
    }

    @Test
    void theLeastRecentlyUsedGoFirstAndExpiredEntriesAreMisses() {
        byte[] png = TestImages.png(240, 240);
        String oldest = outputKey(convert(alice, png, "70", "100").getString("id"));
        String middle = outputKey(convert(alice, png, "70", "110").getString("id"));
        String newest = outputKey(convert(alice, png, "70", "120").getString("id"));
        sql("update result_cache set last_hit_at = now() - interval '3 hours' where store_key = $1", oldest);
        sql("update result_cache set last_hit_at = now() - interval '2 hours' where store_key = $1", middle);
        long keep = one("select sum(size) from result_cache where store_key = any($1)",
                (Object) new String[] { middle, newest }).getLong(0);
        assertThat(cache.evict(keep).await().atMost(WAIT)).isEqualTo(1);
        assertThat(one("select count(*) from result_cache where store_key = $1", oldest).getLong(0)).isZero();
        assertThat(entries()).isEqualTo(2);

        // older than the TTL (24h): a miss, and the next sweep deletes it
        sql("update result_cache set created_at = now() - interval '25 hours' where store_key = $1", newest);
        double misses = count("pixmill.cache.misses", "convert");
        String again = outputKey(convert(bob, png, "70", "120").getString("id"));
        assertThat(count("pixmill.cache.misses", "convert")).isEqualTo(misses + 1);
        assertThat(again).isNotEqualTo(newest);
        assertThat(cache.evict().await().atMost(WAIT)).isEqualTo(1);
        assertThat(one("select count(*) from result_cache where store_key = $1", newest).getLong(0)).isZero();
    }

    @Test
    void anEntryWhoseObjectIsGoneIsAMissAndIsDropped() throws IOException {
        byte[] png = TestImages.png(200, 150);
        JsonPath first = convert(alice, png, "70", "100");
        String key = outputKey(first.getString("id"));
        objects.delete(key).await().atMost(WAIT);

        double misses = count("pixmill.cache.misses", "convert");
        JsonPath second = convert(bob, png, "70", "100");
        assertThat(count("pixmill.cache.misses", "convert")).isEqualTo(misses + 1);
        String fresh = outputKey(second.getString("id"));
        assertThat(fresh).isNotEqualTo(key);
        assertThat(decode(download(second)).getWidth()).isEqualTo(100);
        // the entry was dropped and made again from the fresh result
        assertThat(one("select store_key from result_cache").getString(0)).isEqualTo(fresh);
    }

    @Test
    void anEntryEvictedAfterItsLookupCannotBeHeld() {
        byte[] png = TestImages.png(180, 120);
        convert(alice, png, "70", "90");
        String key = one("select key from result_cache").getString(0);
        ResultCache.Entry entry = cache.lookup(key, "test").await().atMost(WAIT);
        assertThat(entry).isNotNull();
        assertThat(entry.width()).isEqualTo(90);
        assertThat(entry.format()).isEqualTo(ImageFormat.JPEG);

        // held while it exists; once evicted, the conversion that looked it up is told so (and is given back)
        pool.withTransaction(tx -> cache.hold(tx, entry)).await().atMost(WAIT);
        assertThat(cache.evict(0).await().atMost(WAIT)).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> pool.withTransaction(tx -> cache.hold(tx, entry)).await().atMost(WAIT))
                .isInstanceOf(ResultCache.EntryGoneException.class);
        assertThat(cache.lookup(key, "test").await().atMost(WAIT)).isNull();
    }

    @Test
    void aSyncCompressionTaskOfTheSameImageIsServedFromTheCache() throws IOException {
        byte[] jpeg = TestImages.jpeg(400, 300);
        double hits = count("pixmill.cache.hits", "imgcompress");
        JsonPath first = syncTask(alice, jpeg);
        JsonPath second = syncTask(bob, jpeg);
        assertThat(count("pixmill.cache.hits", "imgcompress")).isEqualTo(hits + 1);
        byte[] a = given().get(first.getString("image")).then().statusCode(200).extract().asByteArray();
        byte[] b = given().get(second.getString("image")).then().statusCode(200).extract().asByteArray();
        assertThat(second.getString("image")).isNotEqualTo(first.getString("image"));
        assertThat(Magic.matches(ImageFormat.JPEG, b)).isTrue();
        assertThat(b).isEqualTo(a);
        assertThat(decode(b).getWidth()).isEqualTo(400);
    }

    private static JsonPath syncTask(String key, byte[] jpeg) {
        JsonPath answer = Tasks.upload(key, "photo.jpg", jpeg, "image/jpeg").multiPart("sync", "1")
                .post(Tasks.PATH).then().statusCode(200).extract().jsonPath().setRootPath("data");
        assertThat(answer.getInt("state")).as(answer.prettify()).isEqualTo(1);
        return answer;
    }
}
