package dev.pixmill.convert;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an endpoint whose {@code {id}} conversion must exist and belong to the caller before the
 * response starts. Streams need it: once SSE headers are out, a 404 can no longer be sent.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface VisibleConversion {
}
