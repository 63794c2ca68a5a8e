package dev.pixmill.web;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The converter page's files and their headers; the API keeps its own. */
@QuarkusTest
class PageHeadersTest {

    @Test
    void thePageAndItsAssetsAreServedWithAStrictPolicyAndRevalidated() {
        for (String path : new String[] { "/", "/index.html", "/assets/app.js", "/assets/api.js", "/assets/words.js",
                "/assets/app.css", "/assets/icon.svg" }) {
            Response r = given().get(path).then().statusCode(200).extract().response();
            String csp = r.header("Content-Security-Policy");
            assertThat(csp).as(path).isNotNull()
                    .contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' blob: data:",
                            "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval", "*");
            assertThat(r.header("Cache-Control")).as(path).isEqualTo("no-cache");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.header("Last-Modified")).as("revalidation needs a validator").isNotNull();
        }
        assertThat(given().get("/").contentType()).startsWith("text/html");
        assertThat(given().get("/assets/app.js").contentType()).startsWith("text/javascript");
        assertThat(given().get("/assets/app.css").contentType()).startsWith("text/css");
        String html = given().get("/").asString();
        assertThat(html).contains("<script type=\"module\" src=\"assets/app.js\"></script>")
                .doesNotContain("style=\"", "onclick", "<script>");

        // a revalidation is answered without the body, and with the same policy
        String lastModified = given().get("/assets/app.js").header("Last-Modified");
        given().header("If-Modified-Since", lastModified).get("/assets/app.js").then().statusCode(304)
                .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("default-src 'none'"));
    }

    @Test
    void theApiAndUnknownAssetsAreNotTouched() {
        Response api = given().get("/api/v1/presets").then().statusCode(200).extract().response();
        assertThat(api.header("Content-Security-Policy")).isNull();
        given().get("/assets/missing.js").then().statusCode(404);
        given().get("/assets/../application.properties").then().statusCode(404);
    }

    @Test
    void aPublicBaseUrlOnAnotherOriginMayServeThePreviews() {
        assertThat(PageHeaders.origin("https://IMG.example.com/prefix/")).contains("https://img.example.com");
        assertThat(PageHeaders.origin("http://img.example.com:8443")).contains("http://img.example.com:8443");
        assertThat(PageHeaders.origin("ftp://img.example.com")).isEmpty();
        assertThat(PageHeaders.origin("not a url")).isEmpty();
        assertThat(PageHeaders.policy(Optional.of("https://img.example.com")))
                .contains("img-src 'self' blob: data: https://img.example.com;")
                .contains("connect-src 'self';");
    }
}
