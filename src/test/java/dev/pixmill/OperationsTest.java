package dev.pixmill;

import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static dev.pixmill.support.Conversions.awaitEnd;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

/** Health, metrics and the API description that operators rely on. */
@QuarkusTest
class OperationsTest {

    @Test
    void readinessCoversDatabaseAndEngine() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("PostgreSQL")))
                .body("checks.name", hasItem(containsString("engine")))
                .body("checks.find { it.name == 'image-engine' }.data.vector_renderer", equalTo("available"))
                .body("checks.find { it.name == 'image-engine' }.data.memory_budget_mb", equalTo(192));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsCountConversionsByFormatAndOutcome() {
        String id = given().multiPart("file", "m.png", TestImages.png(40, 40), "image/png").multiPart("output_format", "gif")
                .post("/api/v1/convert").then().statusCode(202).extract().path("id");
        awaitEnd(id);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("pixmill_conversions_total{"))
                .body(containsString("input=\"png\""))
                .body(containsString("output=\"gif\""))
                .body(containsString("pixmill_conversion_duration_seconds_bucket"))
                .body(containsString("pixmill_engine_queue_depth"));
    }

    @Test
    void openApiDescribesTheConversionApi() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("/api/v1/convert/{id}/status"))
                .body(containsString("/api/v1/download/{token}"))
                .body(containsString("\"/api/v1/optimize\""))
                .body(containsString("\"/api/v1/compress\""))
                .body(containsString("\"/api/v1/resize\""))
                .body(containsString("/api/v1/optimize/download/{id}"))
                .body(containsString("OptimizeError"))
                // clients read the parameter names they must send from here
                .body("components.schemas.ConvertForm.properties.file.format", equalTo("binary"))
                .body("components.schemas.ConvertForm.properties.output_format.type", equalTo("string"))
                .body("components.schemas.ConvertForm.properties.keep_metadata.type", equalTo("boolean"))
                .body("components.schemas.ConvertUrlRequest.properties.optimize_for.type", equalTo("string"))
                .body("components.schemas.ResizeForm.properties.percent.type", equalTo("integer"))
                .body("components.schemas.ResizeForm.properties.fit.enum", hasItems("inside", "cover", "contain"))
                .body("components.schemas.ResizeForm.properties.upscale.type", equalTo("boolean"))
                .body("components.schemas.ConversionStatusView.properties.download_url.type", equalTo("string"));
    }
}
