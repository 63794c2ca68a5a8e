package dev.pixmill.tasks;

import dev.pixmill.jobs.IntakeBudget;
import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static dev.pixmill.support.Tasks.PATH;
import static dev.pixmill.support.Tasks.awaitEnd;
import static dev.pixmill.support.Tasks.createKey;
import static dev.pixmill.support.Tasks.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** A base64 answer is built within the intake budget: past it a 503 with Retry-After, not a full heap. */
@QuarkusTest
@TestProfile(TasksMemoryTest.SmallIntake.class)
class TasksMemoryTest {

    public static class SmallIntake implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pixmill.jobs.intake-budget", "1M");
        }
    }

    @Inject
    IntakeBudget intake;

    @Test
    void aBase64AnswerWaitsForTheIntakeBudgetLikeAnUpload() {
        String key = createKey("memory");
        // a JPEG of noise at quality 100 stays about as large as the input: about 500 KB, 2 MB held
        String taskId = upload(key, "noise.png", noisePng(420, 420), "image/png").multiPart("return_type", "2")
                .multiPart("format", "jpg").multiPart("quality", "100").post(PATH)
                .then().statusCode(200).extract().path("data.task_id");
        assertThat(awaitEnd(key, taskId).getString("image")).hasSizeGreaterThan(400_000); // alone, it passes

        try (IntakeBudget.Reservation upload = intake.open()) {
            upload.grow(256 << 10); // another request's bytes in flight
            given().header("X-API-KEY", key).get(PATH + "/{id}", taskId).then().statusCode(503)
                    .header("Retry-After", notNullValue()).body("status", equalTo(503)).body("data", nullValue());
        }
        given().header("X-API-KEY", key).get(PATH + "/{id}", taskId).then().statusCode(200)
                .body("data.state", equalTo(1));
    }

    private static byte[] noisePng(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(3);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        return TestImages.encode(img, "png");
    }
}
