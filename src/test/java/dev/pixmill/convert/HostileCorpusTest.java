package dev.pixmill.convert;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.support.HostileCorpus;
import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A few hundred generated hostile inputs through {@code POST /api/v1/convert}, with every output
 * format in turn: no 5xx, every conversion ends, none runs past its deadline, the engine gives
 * back all its memory, the service still converts afterwards, and the process's RSS stays within
 * the engine budget plus a margin.
 */
@QuarkusTest
@TestProfile(HostileCorpusTest.ShortDeadlines.class)
class HostileCorpusTest {

    static final int DEADLINE_S = 8;

    public static class ShortDeadlines implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pixmill.engine.timeout", DEADLINE_S + "s", "pixmill.engine.vector.timeout", "4s");
        }
    }

    private static final String[] OUTPUTS = {"jpg", "png", "webp", "avif", "heic", "gif", "tiff", "bmp", "ico", "pdf",
        "svg"};

    @Inject
    ImageEngine engine;

    private Map<String, byte[]> validFiles() {
        byte[] png = TestImages.png(120, 80);
        ImageLimits limits = new ImageLimits(20 << 20, 8000, 8000, 64, true);
        Map<String, byte[]> valid = new LinkedHashMap<>();
        for (ImageFormat f : new ImageFormat[] {ImageFormat.JPEG, ImageFormat.PNG, ImageFormat.WEBP, ImageFormat.GIF,
            ImageFormat.TIFF, ImageFormat.AVIF, ImageFormat.HEIC, ImageFormat.BMP, ImageFormat.ICO, ImageFormat.PDF}) {
            valid.put(f.extension(), engine.convert(png, new ConversionSpec(f, 80, null, null, false, false, limits,
                    Duration.ofSeconds(30))).bytes());
        }
        valid.put("svg", ("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"80\"><rect width=\"120\" "
                + "height=\"80\" fill=\"#08f\"/><circle cx=\"60\" cy=\"40\" r=\"30\" fill=\"#f80\"/></svg>").getBytes());
        return valid;
    }

    @Test
    void hostileInputsGetClearAnswersAndNeverOutliveTheirDeadline() throws Exception {
        List<HostileCorpus.Sample> corpus = HostileCorpus.generate(validFiles(), 20261202L);
        assertThat(corpus).hasSizeGreaterThan(250);
        long rssBefore = rss();
        AtomicLong rssPeak = new AtomicLong(rssBefore);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (sampling.get()) {
                rssPeak.accumulateAndGet(rss(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        Map<String, String> accepted = new LinkedHashMap<>(); // id -> sample name
        Map<Integer, Integer> refusals = new HashMap<>();
        int i = 0;
        for (HostileCorpus.Sample s : corpus) {
            String output = OUTPUTS[i++ % OUTPUTS.length];
            Response r = given().multiPart("file", s.name(), s.bytes(), "application/octet-stream")
                    .multiPart("output_format", output).post("/api/v1/convert");
            int code = r.statusCode();
            assertThat(code).as("%s -> %s: %s", s.name(), output, r.asString()).isLessThan(500);
            if (code == 202) {
                accepted.put(r.jsonPath().getString("id"), s.name() + " -> " + output);
            } else {
                assertThat(code).as(s.name()).isIn(400, 413, 415, 422);
                assertThat(r.jsonPath().getString("error")).as(s.name()).isNotBlank();
                assertThat(r.jsonPath().getString("message")).as(s.name()).isNotBlank();
                refusals.merge(code, 1, Integer::sum);
            }
        }

        // every accepted conversion ends, and none was processing for longer than its deadline
        Map<String, Long> processingSince = new HashMap<>();
        Map<String, JsonPath> ended = new HashMap<>();
        long giveUp = System.nanoTime() + Duration.ofMinutes(6).toNanos();
        while (ended.size() < accepted.size() && System.nanoTime() < giveUp) {
            for (String id : accepted.keySet()) {
                if (ended.containsKey(id)) {
                    continue;
                }
                JsonPath st = given().get("/api/v1/convert/{id}/status", id).then().statusCode(200).extract()
                        .jsonPath();
                String status = st.getString("status");
                long now = System.nanoTime();
                if ("processing".equals(status)) {
                    processingSince.putIfAbsent(id, now);
                    assertThat(Duration.ofNanos(now - processingSince.get(id)))
                            .as("%s still processing", accepted.get(id)).isLessThan(Duration.ofSeconds(DEADLINE_S + 6));
                } else if ("completed".equals(status) || "failed".equals(status)) {
                    ended.put(id, st);
                }
            }
            Thread.sleep(100);
        }
        sampling.set(false);
        sampler.join();
        assertThat(ended).as("conversions that ended").hasSameSizeAs(accepted);
        List<String> vague = new ArrayList<>();
        int failed = 0;
        for (var e : ended.entrySet()) {
            if ("failed".equals(e.getValue().getString("status"))) {
                failed++;
                String message = e.getValue().getString("error_message");
                if (message == null || message.isBlank() || message.contains("internal")) {
                    vague.add(accepted.get(e.getKey()) + ": " + message);
                }
            }
        }
        assertThat(vague).as("failures without a clear message").isEmpty();
        assertThat(engine.memory().availableBytes()).as("engine memory given back")
                .isEqualTo(engine.memory().budgetBytes());
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
                .as("renderer processes left").isZero();
        // the engine's own memory is bounded by its budget; the margin covers the heap's growth
        assertThat(rssPeak.get() - rssBefore).as("RSS growth in bytes during the corpus")
                .isLessThan(engine.memory().budgetBytes() + (256L << 20));

        // and the service still works
        String id = given().multiPart("file", "ok.png", TestImages.png(64, 48), "image/png")
                .multiPart("output_format", "webp").post("/api/v1/convert").then().statusCode(202).extract()
                .path("id");
        assertThat(dev.pixmill.support.Conversions.awaitEnd(id).getString("status")).isEqualTo("completed");
        System.out.printf("hostile corpus: %d inputs, %d refused at once %s, %d accepted (%d failed), "
                + "RSS growth %d MB%n", corpus.size(), corpus.size() - accepted.size(), refusals, accepted.size(),
                failed, (rssPeak.get() - rssBefore) >> 20);
    }

    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) << 10;
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }

}
