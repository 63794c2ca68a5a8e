package dev.pixmill.web;

import dev.pixmill.error.BadRequestException;
import dev.pixmill.error.PayloadTooLargeException;
import dev.pixmill.error.PixmillException;
import jakarta.ws.rs.WebApplicationException;

import java.io.IOException;
import java.util.Optional;

/**
 * Quarkus REST's multipart reader reports a bad body with plain exceptions: an IOException for a
 * body that is not multipart or ends too soon, a bare RuntimeException past the field count
 * ({@code quarkus.http.limits.max-parameters}), a bare 413 for a field over
 * {@code quarkus.http.limits.max-form-attribute-size}, and its byte parser may even crash on
 * garbage (an index out of bounds). They are told apart from server faults by
 * where they were thrown, and become the caller's errors they are.
 */
final class MultipartReadFailure {

    private static final String READER_PACKAGE = "org.jboss.resteasy.reactive.server.core.multipart.";
    private static final String PARSER = READER_PACKAGE + "MultipartParser";

    private MultipartReadFailure() {
    }

    static Optional<PixmillException> of(Throwable failure, FormLimits limits) {
        if (!thrownByReader(failure)) {
            return Optional.empty();
        }
        if (failure instanceof WebApplicationException e && e.getResponse().getStatus() == 413) {
            return Optional.of(new PayloadTooLargeException("field_too_large", "a form field other than the file is "
                    + "larger than " + limits.maxFieldSize() / 1024 + " KB"));
        }
        if (failure instanceof IOException || thrownBy(failure, PARSER)) { // the byte parser can crash on garbage
            return Optional.of(new BadRequestException("invalid_multipart", "the body is not a complete multipart/form-data "
                    + "body for the boundary given in Content-Type"));
        }
        if (failure.getClass() == RuntimeException.class && failure.getCause() == null) {
            return Optional.of(new BadRequestException("too_many_fields",
                    "the form has more than " + limits.maxFields() + " fields"));
        }
        return Optional.empty(); // e.g. an upload that could not be written to disk: a server fault
    }

    private static boolean thrownByReader(Throwable failure) {
        return thrownBy(failure, READER_PACKAGE);
    }

    private static boolean thrownBy(Throwable failure, String prefix) {
        StackTraceElement[] trace = failure.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith(prefix);
    }

    /** The Quarkus limits the reader enforces, for the messages. */
    record FormLimits(int maxFields, long maxFieldSize) {
    }
}
