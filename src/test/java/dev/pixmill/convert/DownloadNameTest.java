package dev.pixmill.convert;

import dev.pixmill.support.RawHttp;
import dev.pixmill.support.RawHttp.Answer;
import dev.pixmill.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import static dev.pixmill.support.Conversions.awaitEnd;
import static dev.pixmill.support.RawHttp.field;
import static dev.pixmill.support.RawHttp.form;
import static org.assertj.core.api.Assertions.assertThat;

/** Upload names with controls, quotes and other scripts, read back off the download's raw header bytes. */
@QuarkusTest
class DownloadNameTest {

    private static final byte[] PNG = TestImages.png(8, 8);

    @TestHTTPResource("/")
    URL base;

    @Test
    void tabAndNoBreakSpace() throws Exception {
        assertThat(disposition("filename=\"" + utf8("a\tb\u00a0c.png") + "\""))
                .isEqualTo("attachment; filename=\"a b c.webp\"");
    }

    @Test
    void lineBreaksAndQuotesSentEncoded() throws Exception {
        assertThat(disposition("filename*=UTF-8''x%0D%0Ay%22z%22.png")).isEqualTo("attachment; filename=\"x y_z_.webp\"");
    }

    @Test
    void nonLatinNamesKeepTheirLettersInFilenameStar() throws Exception {
        assertThat(disposition("filename=\"" + utf8("фото.png") + "\""))
                .isEqualTo("attachment; filename=\"_.webp\"; filename*=UTF-8''%D1%84%D0%BE%D1%82%D0%BE.webp");
    }

    @Test
    void aNameOfControlsOnly() throws Exception {
        assertThat(disposition("filename=\"" + utf8("\u0001\u0002\u202e\t.png") + "\""))
                .isEqualTo("attachment; filename=\"image.webp\"");
    }

    /** Uploads under the given filename parameter, converts to webp, and returns the download's header as sent. */
    private String disposition(String filenameParameter) throws Exception {
        String part = "Content-Disposition: form-data; name=\"file\"; " + filenameParameter
                + "\r\nContent-Type: image/png\r\n\r\n" + new String(PNG, StandardCharsets.ISO_8859_1);
        Answer accepted = RawHttp.post(base, "/api/v1/convert", "multipart/form-data; boundary=B",
                form("B", part, field("output_format", "webp")));
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        String url = awaitEnd(accepted.json().getString("id")).getString("download_url");
        try (Socket socket = RawHttp.open(base)) {
            RawHttp.write(socket, "HEAD " + url + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", new byte[0]);
            byte[] head = socket.getInputStream().readAllBytes();
            for (byte b : head) {
                assertThat(b == '\r' || b == '\n' || (b >= 0x20 && b < 0x7F)).as("header byte %02x", b).isTrue();
            }
            String text = new String(head, StandardCharsets.US_ASCII);
            return text.lines().filter(l -> l.toLowerCase().startsWith("content-disposition:"))
                    .map(l -> l.substring("content-disposition:".length()).strip()).findFirst().orElseThrow();
        }
    }

    /** The UTF-8 bytes of {@code s}, one char per byte, as RawHttp.form writes them. */
    private static String utf8(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
