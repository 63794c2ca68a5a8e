package dev.pixmill.web;

import dev.pixmill.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** One rule for every single-valued parameter: given twice, it is a 400 naming it. */
@QuarkusTest
class RepeatedParametersTest {

    private static final byte[] PNG = TestImages.png(8, 8);

    @Test
    void aRepeatedFormFieldIsRefused() {
        given().multiPart("file", "a.png", PNG, "image/png")
                .multiPart("output_format", "png").multiPart("output_format", "webp")
                .post("/api/v1/convert")
                .then().statusCode(400).contentType("application/json")
                .body("error", equalTo("duplicate_parameter")).body("message", containsString("'output_format'"));
    }

    @Test
    void aRepeatedFileIsRefused() {
        given().multiPart("file", "a.png", PNG, "image/png").multiPart("file", "b.png", PNG, "image/png")
                .post("/api/v1/convert")
                .then().statusCode(400).body("error", equalTo("duplicate_parameter")).body("message", containsString("'file'"));
    }

    @Test
    void aRepeatedQueryParameterIsRefused() {
        given().queryParam("api_key", "kp_a", "kp_b").multiPart("file", "a.png", PNG, "image/png")
                .post("/api/v1/convert")
                .then().statusCode(400).body("error", equalTo("duplicate_parameter")).body("message", containsString("'api_key'"));
    }

    @Test
    void aRepeatedJsonMemberIsRefused() {
        given().contentType("application/json")
                .body("{\"url\":\"http://127.0.0.1:1/a.png\",\"output_format\":\"png\",\"output_format\":\"webp\"}")
                .post("/api/v1/convert/url")
                .then().statusCode(400).contentType("application/json")
                .body("error", equalTo("duplicate_parameter")).body("message", containsString("'output_format'"));
    }

    @Test
    void distinctFieldsAreAccepted() {
        given().multiPart("file", "a.png", PNG, "image/png").multiPart("output_format", "png").multiPart("width", "4")
                .post("/api/v1/convert")
                .then().statusCode(202);
    }
}
