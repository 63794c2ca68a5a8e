package dev.pixmill.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DialectTest {

    final ErrorResponse tooLarge = new ErrorResponse(413, "file_too_large", "the file is 3.0 MB; the limit is 2 MB");

    @Test
    void pathsPickTheirDialect() {
        assertThat(Dialect.of("/api/v1/optimize")).isEqualTo(Dialect.OPTIMIZE);
        assertThat(Dialect.of("/api/v1/optimize/download/x")).isEqualTo(Dialect.OPTIMIZE);
        assertThat(Dialect.of("api/tasks/visual/imgcompress")).isEqualTo(Dialect.TASKS);
        assertThat(Dialect.of("/api/v1/convert")).isEqualTo(Dialect.DEFAULT);
        assertThat(Dialect.of(null)).isEqualTo(Dialect.DEFAULT);
    }

    @Test
    void eachDialectHasItsShape() {
        assertThat(Dialect.OPTIMIZE.body(tooLarge)).isEqualTo(Map.of("error", "the file is 3.0 MB; the limit is 2 MB"));
        @SuppressWarnings("unchecked")
        Map<String, Object> envelope = (Map<String, Object>) Dialect.TASKS.body(tooLarge);
        assertThat(envelope).containsEntry("status", 413).containsEntry("message", tooLarge.body().message())
                .containsKey("data");
        assertThat(envelope.get("data")).isNull();
        assertThat(Dialect.DEFAULT.body(tooLarge)).isEqualTo(tooLarge.body());
    }

    @Test
    void theOptimizeDialectAnswersBadInputWith400AndAFailedOptimizationWith500() {
        assertThat(Dialect.OPTIMIZE.status(tooLarge)).isEqualTo(400);
        assertThat(Dialect.OPTIMIZE.status(new ErrorResponse(415, "unsupported_format", "x"))).isEqualTo(400);
        assertThat(Dialect.OPTIMIZE.status(new ErrorResponse(422, "invalid_image", "x"))).isEqualTo(400);
        assertThat(Dialect.OPTIMIZE.status(new ErrorResponse(422, "timeout", "x"))).isEqualTo(500);
        assertThat(Dialect.OPTIMIZE.status(new ErrorResponse(503, "service_busy", "x"))).isEqualTo(503);
        assertThat(Dialect.TASKS.status(tooLarge)).isEqualTo(413);
        assertThat(Dialect.DEFAULT.status(tooLarge)).isEqualTo(413);
    }
}
