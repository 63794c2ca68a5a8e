package dev.pixmill.generate;

import dev.pixmill.security.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.pixmill.support.Generation.PATH;
import static dev.pixmill.support.Generation.createKey;
import static dev.pixmill.support.Generation.decode;
import static dev.pixmill.support.Generation.fetch;
import static dev.pixmill.support.Generation.generate;
import static dev.pixmill.support.Generation.idOf;
import static dev.pixmill.support.Generation.local;
import static dev.pixmill.support.Generation.urls;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

/** The generation dialect end to end with the placeholder provider, on a replica that runs the jobs. */
@QuarkusTest
class GenerationFlowTest {

    @Inject
    Pool pool;

    @Inject
    RecordingCharges charges;

    @Inject
    dev.pixmill.accounts.CreditLedger ledger;

    @Test
    void anImageIsAnsweredAtOnceThenServedAsAJpegOfExactlyTheRequestedSize() {
        String key = createKey("flow");
        JsonPath answer = generate(key, Map.of("prompt", "  a lighthouse at dusk  ", "size", "1344x768"))
                .then().statusCode(200).contentType("application/json").extract().jsonPath();
        assertThat(answer.getList("$")).hasSize(1);
        String url = answer.getString("[0].url");
        assertThat(url).matches("http://localhost:\\d+/api/image/[A-Za-z0-9_-]{43}\\.jpg\\?width=1344&height=768");
        assertThat(answer.getString("[0].alt")).isEqualTo(
                "Placeholder image in the photo style (no image generator is configured) for: a lighthouse at dusk.");

        Response image = fetch(url).then().statusCode(200).contentType("image/jpeg").extract().response();
        byte[] bytes = image.asByteArray();
        assertThat(image.header("Content-Length")).isEqualTo(String.valueOf(bytes.length));
        assertThat(image.header("Cache-Control")).matches("public, max-age=\\d+, immutable");
        assertThat(Long.parseLong(image.header("Cache-Control").replaceAll("\\D", ""))).isBetween(3000L, 3600L);
        assertThat(image.header("ETag")).startsWith("\"");
        assertThat(image.header("Content-Disposition")).isEqualTo("inline; filename=\"" + idOf(url) + ".jpg\"");
        BufferedImage decoded = decode(bytes);
        assertThat(decoded.getWidth()).isEqualTo(1344);
        assertThat(decoded.getHeight()).isEqualTo(768);

        // a job of the shared queue: no input blob, the request in params, the JPEG as its output
        Row row = row(idOf(url));
        assertThat(row.getString("kind")).isEqualTo("generate");
        assertThat(row.getString("status")).isEqualTo("completed");
        assertThat(row.getInteger("credits")).isEqualTo(1);
        assertThat(row.getInteger("attempts")).isEqualTo(1);
        assertThat(row.getString("params")).contains("\"prompt\":\"a lighthouse at dusk\"", "\"provider\":\"placeholder\"");
        assertThat(blobRoles(row.getUUID("id"))).containsExactly("output");
        assertThat(row.getLong("output_size")).isEqualTo(bytes.length);

        List<RecordingCharges.Charge> charged = charges.chargesOf(ownerOf(key));
        assertThat(charged).hasSize(1);
        assertThat(charged.getFirst().credits()).isEqualTo(1);
        assertThat(charged.getFirst().charged()).extracting(GenerationCharges.ChargedImage::imageId)
                .containsExactly(idOf(url));
    }

    @Test
    void theSameRequestGivesTheSameBytesAndEveryImageOfARequestItsOwn() {
        String key = createKey("deterministic");
        Map<String, Object> body = Map.of("prompt", "a red fox in the snow", "style", "illustration", "numImages", 4);
        List<String> first = urls(key, body);
        List<String> second = urls(key, body);
        assertThat(first).hasSize(4).doesNotHaveDuplicates();
        assertThat(first.stream().map(u -> idOf(u)).distinct()).hasSize(4);
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] a = fetch(first.get(i)).then().statusCode(200).extract().asByteArray();
            byte[] b = fetch(second.get(i)).then().statusCode(200).extract().asByteArray();
            assertThat(b).as("image %d of two identical requests", i).isEqualTo(a);
            assertThat(decode(a).getWidth()).isEqualTo(1024);
            assertThat(decode(a).getHeight()).isEqualTo(1024);
            for (byte[] other : images) {
                assertThat(Arrays.equals(other, a)).as("images of one request differ").isFalse();
            }
            images.add(a);
        }
        List<RecordingCharges.Charge> charged = charges.chargesOf(ownerOf(key));
        assertThat(charged).extracting(RecordingCharges.Charge::credits).containsExactly(4, 4);
        assertThat(charged).extracting(RecordingCharges.Charge::images).containsExactly(4, 4);
    }

    @Test
    void everyStyleLooksClearlyDifferent() {
        String key = createKey("styles");
        Map<Style, int[]> looks = new LinkedHashMap<>();
        for (Style style : Style.values()) {
            String url = urls(key, Map.of("prompt", "a quiet harbour", "style", style.id())).getFirst();
            looks.put(style, thumbnail(decode(fetch(url).then().statusCode(200).extract().asByteArray())));
        }
        for (Style a : Style.values()) {
            for (Style b : Style.values()) {
                if (a.ordinal() < b.ordinal()) {
                    // mean difference per channel over an 8x8 thumbnail (above the caption band)
                    assertThat(distance(looks.get(a), looks.get(b))).as("%s vs %s", a, b).isGreaterThan(20);
                }
            }
        }
    }

    @Test
    void thePathWorksWithAndWithoutItsTrailingSlash() {
        String key = createKey("slash");
        given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body(Map.of("prompt", "a kite")).post("/api/image-generation")
                .then().statusCode(200).body("size()", org.hamcrest.Matchers.is(1));
        given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body(Map.of("prompt", "a kite")).post("/api/image-generation/")
                .then().statusCode(200).body("size()", org.hamcrest.Matchers.is(1));
    }

    @Test
    void everyBadParameterIsA400ThatNamesIt() {
        String key = createKey("bad");
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{}", "prompt is required");
        cases.put("{\"prompt\": null}", "prompt is required");
        cases.put("{\"prompt\": \"\"}", "prompt must not be empty");
        cases.put("{\"prompt\": \" \\n\\t \"}", "prompt must not be empty");
        cases.put("{\"prompt\": 42}", "prompt must be a string");
        cases.put("{\"prompt\": \"" + "x".repeat(1001) + "\"}", "prompt is 1001 characters long; at most 1000");
        cases.put("{\"prompt\": \"a\", \"style\": \"cubism\"}", "style must be one of photo, illustration, "
                + "watercolor, fantasy, anime, 3d, isometric, none");
        cases.put("{\"prompt\": \"a\", \"style\": 3}", "style must be one of");
        cases.put("{\"prompt\": \"a\", \"size\": \"1000x1000\"}", "size must be one of 1024x1024, 1152x896");
        cases.put("{\"prompt\": \"a\", \"size\": \"big\"}", "size must be one of");
        cases.put("{\"prompt\": \"a\", \"numImages\": 0}", "numImages must be a whole number from 1 to 4");
        cases.put("{\"prompt\": \"a\", \"numImages\": 5}", "numImages must be a whole number from 1 to 4");
        cases.put("{\"prompt\": \"a\", \"numImages\": 2.5}", "numImages must be a whole number from 1 to 4");
        cases.put("{\"prompt\": \"a\", \"numImages\": \"many\"}", "numImages must be a whole number from 1 to 4");
        cases.put("{\"prompt\": \"a\", \"numImages\": -1}", "numImages must be a whole number from 1 to 4");
        cases.put("{\"prompt\": \"a\", \"model\": \"ultra\"}", "model must be one of standard, premium");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            JsonPath error = generate(key, c.getKey()).then().statusCode(400).contentType("application/json")
                    .extract().jsonPath();
            assertThat(error.getString("error")).as(c.getKey()).isEqualTo("invalid_parameter");
            assertThat(error.getString("message")).as(c.getKey()).contains(c.getValue());
        }
        // the body itself
        assertThat(generate(key, "[{\"prompt\": \"a\"}]").then().statusCode(400).extract().path("error").toString())
                .isEqualTo("invalid_json");
        assertThat(generate(key, "{\"prompt\": ").then().statusCode(400).extract().path("error").toString())
                .isEqualTo("invalid_json");
        assertThat(generate(key, "{\"prompt\": \"a\", \"prompt\": \"b\"}").then().statusCode(400)
                .extract().path("error").toString()).isEqualTo("duplicate_parameter");
        // exactly 1000 characters (code points: an emoji is one) is fine
        String longest = "\uD83E\uDD8A".repeat(500) + "x".repeat(500);
        generate(key, Map.of("prompt", longest)).then().statusCode(200);
        // the values as clients may spell them
        generate(key, Map.of("prompt", "a", "style", "Watercolor", "size", "640X1536", "model", "STANDARD",
                "numImages", "2")).then().statusCode(200).body("size()", org.hamcrest.Matchers.is(2));
        assertThat(charges.chargesOf(ownerOf(key))).extracting(RecordingCharges.Charge::images).containsExactly(1, 2);
    }

    @Test
    void imagesAreChargedToTheKeysCreditsAndTooFewCreditsQueueNothing() {
        var key = dev.pixmill.support.Accounts.createKey("gen-credits", "professional", 7);
        String id = key.getString("id");
        String bearer = "Bearer " + key.getString("key");
        // 2 premium images cost 10: refused whole, nothing charged or queued
        given().header("Authorization", bearer).contentType("application/json")
                .body(Map.of("prompt", "a red kite", "model", "premium", "numImages", 2))
                .post("/api/image-generation/").then().statusCode(402).body("error", equalTo("insufficient_credits"));
        assertThat(dev.pixmill.support.Accounts.balance(id)).isEqualTo(7);
        // 3 standard images cost 3, one ledger entry per image
        List<String> urls = given().header("Authorization", bearer).contentType("application/json")
                .body(Map.of("prompt", "a red kite", "numImages", 3)).post("/api/image-generation/")
                .then().statusCode(200).extract().jsonPath().getList("url");
        assertThat(urls).hasSize(3);
        assertThat(dev.pixmill.support.Accounts.balance(id)).isEqualTo(4);
        assertThat(dev.pixmill.support.Accounts.ledger(id)).filteredOn(e -> "charge".equals(e.get("kind")))
                .hasSize(3).allSatisfy(e -> assertThat(((Number) e.get("amount")).intValue()).isEqualTo(-1));
    }

    @Test
    void theKeyIsRequiredAsABearerToken() {
        String key = createKey("keys");
        Map<String, String> body = Map.of("prompt", "a");
        JsonPath missing = given().contentType("application/json").body(body).post(PATH)
                .then().statusCode(401).extract().jsonPath();
        assertThat(missing.getString("error")).isEqualTo("missing_api_key");
        assertThat(missing.getString("message")).contains("Authorization: Bearer");
        // other places a key may be given elsewhere are not read by this dialect
        given().header("X-API-Key", key).contentType("application/json").body(body).post(PATH).then().statusCode(401);
        given().queryParam("api_key", key).contentType("application/json").body(body).post(PATH).then().statusCode(401);
        given().header("Authorization", "Bearer kp_" + "x".repeat(32)).contentType("application/json").body(body)
                .post(PATH).then().statusCode(401).body("error", org.hamcrest.Matchers.is("invalid_api_key"));
        // a bad body is not looked at before the key
        given().contentType("application/json").body("{").post(PATH).then().statusCode(401);
    }

    @Test
    void premiumNeedsTheProfessionalPlan() {
        String free = createKey("free", "free", null);
        JsonPath refused = generate(free, Map.of("prompt", "a castle", "model", "premium"))
                .then().statusCode(403).extract().jsonPath();
        assertThat(refused.getString("error")).isEqualTo("premium_not_allowed");
        assertThat(refused.getString("message")).contains("professional plan", "free plan");
        assertThat(charges.chargesOf(ownerOf(free))).isEmpty();
        assertThat(rowsOf(ownerOf(free))).isZero();

        String pro = createKey("pro", "professional", null);
        List<String> urls = urls(pro, Map.of("prompt", "a castle", "model", "premium", "numImages", 2));
        assertThat(urls).hasSize(2);
        RecordingCharges.Charge charge = charges.chargesOf(ownerOf(pro)).getFirst();
        assertThat(charge.credits()).isEqualTo(10);
        assertThat(charge.charged()).extracting(GenerationCharges.ChargedImage::credits).containsExactly(5, 5);
        assertThat(row(idOf(urls.getFirst())).getInteger("credits")).isEqualTo(5);
        fetch(urls.getFirst()).then().statusCode(200).contentType("image/jpeg");
    }

    @Test
    void aKeyWithoutTheGenerationApiIsRefused() {
        String key = createKey("no-generation", "professional", Map.of("disabled_apis", List.of("generate")));
        generate(key, Map.of("prompt", "a")).then().statusCode(403).body("error", org.hamcrest.Matchers.is("api_disabled"));
    }

    @Test
    void aChargeThatFailsQueuesNothing() {
        String key = createKey("broke");
        charges.refuse(ownerOf(key));
        generate(key, Map.of("prompt", "a", "numImages", 3)).then().statusCode(403)
                .body("error", org.hamcrest.Matchers.is("test_refusal"));
        assertThat(rowsOf(ownerOf(key))).isZero();
    }

    /** The client flow the contract's generateImages example is: POST, then each url in an img element. */
    @Test
    void theContractsGenerateImagesExample() {
        String key = createKey("example");
        Response answer = given().header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .body("{\"prompt\": \"a cozy cabin in a snowy forest\", \"style\": \"watercolor\", "
                        + "\"size\": \"896x1152\", \"numImages\": 2, \"model\": \"standard\"}")
                .post("/api/image-generation/");
        assertThat(answer.statusCode()).isEqualTo(200);
        List<Map<String, String>> images = answer.jsonPath().getList("$");
        assertThat(images).hasSize(2);
        for (Map<String, String> image : images) {
            assertThat(image.keySet()).containsExactlyInAnyOrder("url", "alt");
            assertThat(image.get("alt")).endsWith(".").contains("a cozy cabin in a snowy forest");
            Response img = fetch(image.get("url"));
            assertThat(img.statusCode()).isEqualTo(200);
            assertThat(img.contentType()).isEqualTo("image/jpeg");
            BufferedImage picture = decode(img.asByteArray());
            assertThat(picture.getWidth()).isEqualTo(896);
            assertThat(picture.getHeight()).isEqualTo(1152);
        }
    }

    @Test
    void smallerSizesInTheQueryScaleTheImageDownNeverUp() {
        String key = createKey("renditions");
        String url = urls(key, Map.of("prompt", "a field of tulips", "size", "1344x768")).getFirst();
        String base = local(url).replaceAll("\\?.*$", "");
        fetch(url).then().statusCode(200); // ready
        BufferedImage box = decode(given().get(base + "?width=512&height=512").then().statusCode(200)
                .contentType("image/jpeg").extract().asByteArray());
        assertThat(box.getWidth()).isEqualTo(512);
        assertThat(box.getHeight()).isEqualTo(512);
        BufferedImage narrow = decode(given().get(base + "?width=672").then().statusCode(200).extract().asByteArray());
        assertThat(narrow.getWidth()).isEqualTo(672);
        assertThat(narrow.getHeight()).isEqualTo(384);
        byte[] stored = given().get(base).then().statusCode(200).extract().asByteArray();
        assertThat(given().get(base + "?width=4000&height=4000").then().statusCode(200).extract().asByteArray())
                .isEqualTo(stored);
        given().get(base + "?width=0").then().statusCode(400).body("error", org.hamcrest.Matchers.is("invalid_parameter"))
                .body("message", org.hamcrest.Matchers.containsString("width"));
        given().get(base + "?height=abc").then().statusCode(400)
                .body("message", org.hamcrest.Matchers.containsString("height"));
        given().get(base + "?width=10&width=20").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.is("duplicate_parameter"));
    }

    @Test
    void aRepeatedGetCanBeAnsweredFromTheCacheAndHeadGivesTheHeaders() {
        String key = createKey("cache");
        String url = urls(key, Map.of("prompt", "a paper boat")).getFirst();
        Response first = fetch(url).then().statusCode(200).extract().response();
        String etag = first.header("ETag");
        given().header("If-None-Match", etag).get(local(url)).then().statusCode(304).header("ETag", etag);
        given().header("If-None-Match", "\"other\"").get(local(url)).then().statusCode(200);
        Response head = given().head(local(url)).then().statusCode(200).extract().response();
        assertThat(head.header("Content-Length")).isEqualTo(first.header("Content-Length"));
        assertThat(head.header("Content-Type")).isEqualTo("image/jpeg");
        assertThat(head.asByteArray()).isEmpty();
    }

    @Test
    void unknownMalformedAndExpiredImagesAre404() {
        given().get("/api/image/" + Tokens.downloadToken() + ".jpg").then().statusCode(404)
                .contentType("application/json").body("error", org.hamcrest.Matchers.is("not_found"));
        given().get("/api/image/short.jpg").then().statusCode(404);
        given().get("/api/image/" + Tokens.downloadToken() + ".png").then().statusCode(404);
        String key = createKey("expiry");
        String url = urls(key, Map.of("prompt", "a sandcastle")).getFirst();
        fetch(url).then().statusCode(200);
        pool.preparedQuery("update conversions set expires_at = now() - interval '1 second' where download_token = $1")
                .execute(Tuple.of(idOf(url))).await().indefinitely();
        fetch(url).then().statusCode(404).body("message", org.hamcrest.Matchers.is("unknown or expired image"));
    }

    @Test
    void anImageThatFailsIsAJsonErrorInWordsAndIsRefunded() throws Exception {
        String key = createKey("failing");
        String owner = ownerOf(key);
        String imageId = Tokens.downloadToken();
        UUID id = UUID.randomUUID();
        // an image announced by a replica whose provider this one does not have
        pool.preparedQuery("""
                        insert into conversions (id, owner, kind, status, params, input_format, input_size,
                            output_format, credits, download_token)
                        values ($1, $2, 'generate', 'pending', $3, 'prompt', 1, 'jpg', 5, $4)""")
                .execute(Tuple.of(id, owner, "{\"prompt\":\"a\",\"style\":\"photo\",\"width\":1024,\"height\":1024,"
                        + "\"model\":\"premium\",\"provider\":\"elsewhere\",\"index\":0}", imageId))
                .await().indefinitely();
        String keyId = owner.substring("key:".length());
        ledger.charge(UUID.fromString(keyId), 5, "image generation, premium", id).await().indefinitely();
        long paid = dev.pixmill.support.Accounts.balance(keyId);
        pool.preparedQuery("select pg_notify('pixmill_work', $1)").execute(Tuple.of(id.toString())).await().indefinitely();
        JsonPath error = given().get("/api/image/" + imageId + ".jpg").then().statusCode(500)
                .contentType("application/json").header("Cache-Control", "no-store").extract().jsonPath();
        assertThat(error.getString("error")).isEqualTo("generation_failed");
        assertThat(error.getString("message")).isEqualTo(
                "the image could not be generated: the image provider 'elsewhere' is not available on this server");
        // refunded once, by the trigger on the failed row, in the transaction that failed it
        assertThat(dev.pixmill.support.Accounts.ledger(keyId))
                .filteredOn(e -> "refund".equals(e.get("kind")) && id.toString().equals(e.get("subject_id")))
                .singleElement().satisfies(e -> {
                    assertThat(e.get("amount")).isEqualTo(5);
                    assertThat((String) e.get("reason")).endsWith("failed: provider_unavailable");
                });
        assertThat(dev.pixmill.support.Accounts.balance(keyId)).isEqualTo(paid + 5);
    }

    @Test
    void theOpenApiDocumentDescribesBothEndpoints() {
        JsonPath doc = given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        Map<String, Object> paths = doc.getMap("paths");
        assertThat(paths.keySet()).anySatisfy(p -> assertThat(p).matches("/api/image-generation/?"));
        assertThat(paths).containsKey("/api/image/{file}");
        assertThat(doc.getString("components.schemas.GenerationRequest.properties.numImages.maximum")).isEqualTo("4");
        assertThat(doc.getList("components.schemas.GenerationRequest.properties.style.enum")).contains("3d", "none");
        assertThat(doc.getMap("components.schemas.ImageAnswer.properties")).containsOnlyKeys("url", "alt");
    }

    private Row row(String imageId) {
        return pool.preparedQuery("select * from conversions where download_token = $1").execute(Tuple.of(imageId))
                .await().indefinitely().iterator().next();
    }

    private List<String> blobRoles(UUID id) {
        List<String> roles = new ArrayList<>();
        pool.preparedQuery("select role from blobs where conversion_id = $1 order by role").execute(Tuple.of(id))
                .await().indefinitely().forEach(r -> roles.add(r.getString(0)));
        return roles;
    }

    private long rowsOf(String owner) {
        return pool.preparedQuery("select count(*) from conversions where owner = $1").execute(Tuple.of(owner))
                .await().indefinitely().iterator().next().getLong(0);
    }

    private String ownerOf(String apiKey) {
        return "key:" + pool.preparedQuery("select id from api_keys where key_hash = $1")
                .execute(Tuple.of(Tokens.sha256(apiKey))).await().indefinitely().iterator().next().getUUID(0);
    }

    /** Mean colour of each cell of an 8x8 grid over the picture above its caption band. */
    static int[] thumbnail(BufferedImage image) {
        int cells = 8;
        int h = (int) (image.getHeight() * 0.85);
        int[] out = new int[cells * cells * 3];
        for (int cy = 0; cy < cells; cy++) {
            for (int cx = 0; cx < cells; cx++) {
                long r = 0, g = 0, b = 0, n = 0;
                for (int y = cy * h / cells; y < (cy + 1) * h / cells; y += 4) {
                    for (int x = cx * image.getWidth() / cells; x < (cx + 1) * image.getWidth() / cells; x += 4) {
                        int p = image.getRGB(x, y);
                        r += (p >> 16) & 0xff;
                        g += (p >> 8) & 0xff;
                        b += p & 0xff;
                        n++;
                    }
                }
                int i = (cy * cells + cx) * 3;
                out[i] = (int) (r / n);
                out[i + 1] = (int) (g / n);
                out[i + 2] = (int) (b / n);
            }
        }
        return out;
    }

    static double distance(int[] a, int[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }
}
