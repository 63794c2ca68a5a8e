package dev.pixmill.convert;

import dev.pixmill.support.RawHttp;
import dev.pixmill.support.RawHttp.Answer;
import dev.pixmill.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Arrays;
import java.util.Random;

import static dev.pixmill.support.RawHttp.field;
import static dev.pixmill.support.RawHttp.file;
import static dev.pixmill.support.RawHttp.form;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Broken and hostile multipart bodies, written byte for byte: each gets a 4xx with the JSON error
 * shape, never a 500 and never a hang.
 */
@QuarkusTest
class MultipartHostileTest {

    private static final String MULTIPART = "multipart/form-data; boundary=BOUNDARY";
    private static final byte[] PNG = TestImages.png(8, 8);

    @TestHTTPResource("/")
    URL base;

    @Test
    void aWellFormedBodyIsAccepted() throws Exception {
        assertThat(post(MULTIPART, form("BOUNDARY", file("file", "a.png", PNG), field("output_format", "webp"))).status())
                .isEqualTo(202);
    }

    @Test
    void aBodyWithAnotherBoundaryIsMalformed() throws Exception {
        refused(post("multipart/form-data; boundary=OTHER", form("BOUNDARY", file("file", "a.png", PNG))),
                400, "invalid_multipart");
    }

    @Test
    void aTruncatedBodyIsMalformed() throws Exception {
        byte[] whole = form("BOUNDARY", file("file", "a.png", PNG), field("output_format", "png"));
        refused(post(MULTIPART, Arrays.copyOf(whole, whole.length / 2)), 400, "invalid_multipart");
    }

    @Test
    void randomBytesAreMalformed() throws Exception {
        byte[] random = new byte[5000];
        new Random(3).nextBytes(random);
        refused(post(MULTIPART, random), 400, "invalid_multipart");
    }

    @Test
    void anEmptyBodyIsMalformed() throws Exception {
        refused(post(MULTIPART, new byte[0]), 400, "invalid_multipart");
    }

    @Test
    void aMissingBoundaryIsMalformed() throws Exception {
        refused(post("multipart/form-data", form("BOUNDARY", file("file", "a.png", PNG))), 400, "invalid_multipart");
    }

    @Test
    void tenThousandFieldsAreTooMany() throws Exception {
        String[] parts = new String[10_001];
        parts[0] = file("file", "a.png", PNG);
        for (int i = 1; i < parts.length; i++) {
            parts[i] = field("f" + i, "v");
        }
        Answer answer = refused(post(MULTIPART, form("BOUNDARY", parts)), 400, "too_many_fields");
        assertThat(answer.json().getString("message")).contains("100");
    }

    @Test
    void aFieldOverTheAttributeLimitIsTooLarge() throws Exception {
        refused(post(MULTIPART, form("BOUNDARY", file("file", "a.png", PNG), field("output_format", "x".repeat(100_000)))),
                413, "field_too_large");
    }

    @Test
    void aPartWithoutContentDispositionIsMalformed() throws Exception {
        refused(post(MULTIPART, form("BOUNDARY", "Content-Type: text/plain\r\n\r\nhello", file("file", "a.png", PNG))),
                400, "invalid_multipart");
    }

    @Test
    void aPartWithoutANameIsMalformed() throws Exception {
        refused(post(MULTIPART, form("BOUNDARY", "Content-Disposition: form-data\r\n\r\nhello", file("file", "a.png", PNG))),
                400, "invalid_multipart");
    }

    @Test
    void aHugeHeaderLineInAPartIsRefused() throws Exception {
        refused(post(MULTIPART, form("BOUNDARY", "X-Padding: " + "a".repeat(100_000) + "\r\n" + file("file", "a.png", PNG))),
                400, "invalid_multipart");
    }

    @Test
    void anEnormousFilenameIsRefused() throws Exception {
        refused(post(MULTIPART, form("BOUNDARY", file("file", "n".repeat(200_000) + ".png", PNG))), 400, "invalid_multipart");
    }

    @Test
    void aFieldThatIsNotUtf8IsRefused() throws Exception {
        byte[] body = form("BOUNDARY", file("file", "a.png", PNG), field("output_format", "p\u00ffng"));
        Answer answer = refused(post(MULTIPART, body), 400, "invalid_parameter");
        assertThat(answer.json().getString("message")).contains("output_format").contains("UTF-8");
    }

    @Test
    void aLatin1FieldThatSaysSoIsRead() throws Exception {
        String part = "Content-Disposition: form-data; name=\"output_format\"\r\nContent-Type: text/plain; charset=ISO-8859-1"
                + "\r\n\r\npng";
        assertThat(post(MULTIPART, form("BOUNDARY", file("file", "a.png", PNG), part)).status()).isEqualTo(202);
    }

    private Answer post(String contentType, byte[] body) throws Exception {
        return RawHttp.post(base, "/api/v1/convert", contentType, body);
    }

    private static Answer refused(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.header("content-type")).startsWith("application/json");
        assertThat(answer.json().getString("error")).isEqualTo(code);
        assertThat(answer.json().getString("message")).isNotBlank();
        return answer;
    }

}
