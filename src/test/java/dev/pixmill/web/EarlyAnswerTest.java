package dev.pixmill.web;

import dev.pixmill.support.RawHttp;
import dev.pixmill.support.RawHttp.Answer;
import dev.pixmill.support.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.pixmill.support.RawHttp.field;
import static dev.pixmill.support.RawHttp.file;
import static dev.pixmill.support.RawHttp.form;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An answer that comes before the whole body (here: a form that fails while it is read) must not
 * leave the connection stuck: the client learns that it closes, and it does close.
 */
@QuarkusTest
class EarlyAnswerTest {

    private static final String MULTIPART = "multipart/form-data; boundary=B";

    @TestHTTPResource("/")
    URL base;

    @Test
    void aKeptAliveConnectionIsClosedAfterAFailedForm() throws Exception {
        byte[] tooLargeField = form("B", file("file", "a.png", TestImages.png(8, 8)), field("output_format", "x".repeat(100_000)));
        try (Socket socket = RawHttp.open(base)) {
            RawHttp.write(socket, head(tooLargeField.length), tooLargeField);
            Answer answer = RawHttp.read(socket.getInputStream());
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.header("connection")).isEqualToIgnoringCase("close");
            assertThat(RawHttp.closesSoon(socket)).as("the server closes the connection").isTrue();
        }
    }

    @Test
    void aClientStillSendingIsNotLeftBlocked() throws Exception {
        // 20 MB of fields: the reader fails after max-parameters, long before the body ends
        StringBuilder fields = new StringBuilder();
        for (int i = 0; fields.length() < 20_000_000; i++) {
            fields.append("--B\r\nContent-Disposition: form-data; name=\"f").append(i).append("\"\r\n\r\nv\r\n");
        }
        byte[] body = fields.append("--B--\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = RawHttp.open(base)) {
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(head(body.length).getBytes(StandardCharsets.US_ASCII));
                    for (int off = 0; off < body.length; off += 65536) {
                        out.write(body, off, Math.min(65536, body.length - off));
                    }
                } catch (IOException closed) {
                    // the server closed the connection after answering: the sender is released
                }
            });
            Answer answer = RawHttp.read(socket.getInputStream());
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.json().getString("error")).isEqualTo("too_many_fields");
            sending.get(15, TimeUnit.SECONDS); // the old behaviour: blocked forever on a paused request
        }
    }

    @Test
    void aKeptAliveConnectionStillServesRequestsThatWereRead() throws Exception {
        try (Socket socket = RawHttp.open(base)) {
            for (int i = 0; i < 3; i++) {
                RawHttp.write(socket, "GET /api/v1/presets HTTP/1.1\r\nHost: localhost\r\n\r\n", new byte[0]);
                Answer answer = RawHttp.read(socket.getInputStream());
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.header("connection")).isNull();
            }
            byte[] good = form("B", file("file", "a.png", TestImages.png(8, 8)));
            RawHttp.write(socket, head(good.length).replace("Connection: keep-alive\r\n", ""), good);
            assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(202);
        }
    }

    private static String head(int length) {
        return "POST /api/v1/convert HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\nContent-Type: " + MULTIPART
                + "\r\nContent-Length: " + length + "\r\n\r\n";
    }
}
