package dev.pixmill.web;

import dev.pixmill.error.BadRequestException;

import java.util.Map;

/** Reading the text values of form fields and query parameters, with errors that name the field. */
public final class FormValues {

    private FormValues() {
    }

    /** A value counts as given when it holds more than white space (browsers send empty fields). */
    public static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /** The whole number in field {@code name}, null when absent; out of range or not a number is a 400. */
    public static Integer integer(Map<String, String> fields, String name, int min, int max) {
        return integer(name, fields.get(name), min, max);
    }

    public static Integer integer(String name, String value, int min, int max) {
        if (!present(value)) {
            return null;
        }
        try {
            int v = Integer.parseInt(value.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new BadRequestException("invalid_parameter", name + " must be "
                + (max - min == 1 ? min + " or " + max : "a whole number from " + min + " to " + max)
                + ", not '" + value + "'");
    }
}
