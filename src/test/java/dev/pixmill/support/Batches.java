package dev.pixmill.support;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.fail;

/** Test steps of the batch API. */
public final class Batches {

    private Batches() {
    }

    /** A batch upload request with these files (name → bytes), ready for more fields. */
    public static RequestSpecification upload(Map<String, byte[]> files) {
        RequestSpecification r = given();
        files.forEach((name, bytes) -> r.multiPart("files", name, bytes, "application/octet-stream"));
        return r;
    }

    /** Polls the job until it has ended; answers the final job document. */
    public static JsonPath awaitEnd(String jobId, Map<String, String> headers) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            JsonPath job = given().headers(headers).get("/api/v1/jobs/{id}", jobId)
                    .then().statusCode(200).extract().jsonPath();
            String s = job.getString("status");
            if (!"processing".equals(s)) {
                return job;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return fail("job " + jobId + " did not end within 90 s");
    }

    public static JsonPath awaitEnd(String jobId) {
        return awaitEnd(jobId, Map.of());
    }

    /** The entries of a ZIP, in archive order. */
    public static Map<String, byte[]> unzip(byte[] zip) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }
}
