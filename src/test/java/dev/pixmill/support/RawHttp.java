package dev.pixmill.support;

import io.restassured.path.json.JsonPath;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Requests written byte for byte on a socket, for what HTTP clients refuse to send (broken
 * multipart bodies, odd headers); answers are read as raw bytes, with a bound on the wait.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** One answer: the status, the header lines as sent (names lower-cased), the body. */
    public record Answer(int status, List<String> headers, byte[] body) {

        public String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).strip()).findFirst().orElse(null);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonPath json() {
            return JsonPath.from(text());
        }
    }

    /** A multipart/form-data body: each part is its header lines, a blank line, then the content. */
    public static byte[] form(String boundary, String... parts) {
        StringBuilder b = new StringBuilder();
        for (String part : parts) {
            b.append("--").append(boundary).append("\r\n").append(part).append("\r\n");
        }
        return b.append("--").append(boundary).append("--\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    public static String field(String name, String value) {
        return "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value;
    }

    /** A file part; its bytes are carried one char per byte (ISO-8859-1), as {@link #form} writes them. */
    public static String file(String name, String filename, byte[] content) {
        return "Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + new String(content, StandardCharsets.ISO_8859_1);
    }

    /** POSTs {@code body} with the given head lines and a Content-Length, on a connection of its own. */
    public static Answer post(URL base, String path, String contentType, byte[] body) throws IOException {
        try (Socket socket = open(base)) {
            write(socket, "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                    + "Content-Length: " + body.length + "\r\n\r\n", body);
            return read(socket.getInputStream());
        }
    }

    public static Socket open(URL base) throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setSoTimeout(15_000); // no answer within this is a failure (a hang), not a wait
        return socket;
    }

    public static void write(Socket socket, String head, byte[] body) throws IOException {
        socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
    }

    /** Reads one answer (Content-Length or chunked body); throws SocketTimeoutException if none comes. */
    public static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("connection closed without an answer");
        }
        List<String> headers = new ArrayList<>();
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            headers.add(line);
        }
        Answer head = new Answer(Integer.parseInt(statusLine.split(" ")[1]), headers, new byte[0]);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String length = head.header("content-length");
        if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length)));
        } else if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
            for (int size = Integer.parseInt(line(in).strip(), 16); size > 0; size = Integer.parseInt(line(in).strip(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
            line(in);
        }
        return new Answer(head.status(), headers, body.toByteArray());
    }

    /** Whether the server closes the connection within the socket's timeout. */
    public static boolean closesSoon(Socket socket) throws IOException {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // whatever still comes is dropped
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset: closed as well
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c >= 0; c = in.read()) {
            if (c == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
