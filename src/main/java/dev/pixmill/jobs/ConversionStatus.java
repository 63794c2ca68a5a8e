package dev.pixmill.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import java.util.Locale;

/** Life cycle of a conversion: pending → processing → completed | failed. */
public enum ConversionStatus {
    PENDING, PROCESSING, COMPLETED, FAILED;

    @JsonValue
    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean terminal() {
        return this == COMPLETED || this == FAILED;
    }

    public static ConversionStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** Stored in lower case, as the API spells it. */
    @Converter
    public static class DbConverter implements AttributeConverter<ConversionStatus, String> {
        @Override
        public String convertToDatabaseColumn(ConversionStatus status) {
            return status == null ? null : status.dbValue();
        }

        @Override
        public ConversionStatus convertToEntityAttribute(String value) {
            return value == null ? null : of(value);
        }
    }
}
