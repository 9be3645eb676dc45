package io.berth.example.objects.internal;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.jr.ob.JSON;

/**
 * The app's JSON — its metadata files, Swift's listings and {@code /info} — through jackson-jr, a
 * maintained library (an OSGi bundle, with jackson-core under it). Written as Swift's
 * {@code json.dumps} writes it: {@code ", "} and {@code ": "} between items, characters outside
 * ASCII escaped ({@code ensure_ascii}), so a listing is the bytes Swift would send. Values are
 * {@code Map<String, Object>} (in the order of the text), {@code List<Object>}, {@code String},
 * numbers ({@link Integer} or {@link Long} for whole ones: read them with {@link #longValue}),
 * {@code Double}, {@code Boolean} and null.
 */
final class Json {

    private static final JSON PYTHON = JSON.builder(JsonFactory.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII).build()).enable(JSON.Feature.WRITE_NULL_PROPERTIES)
            .prettyPrinter(new PythonSeparators()).build();

    private Json() {
    }

    /**
     * Parses one JSON value.
     *
     * @throws IllegalArgumentException saying where the text is not JSON
     */
    static Object parse(String text) {
        try {
            return PYTHON.anyFrom(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("Not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** A map, list, string, number, boolean or null as JSON text. */
    static String write(Object value) {
        try {
            return PYTHON.asString(value);
        } catch (IOException e) {
            // Only a value of a type JSON has no form for gets here: a programming error, not input.
            throw new IllegalStateException("Cannot write as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * @param number a whole number read by {@link #parse}, or null
     * @return its value, or null
     * @throws ClassCastException when it is not a whole number
     */
    static Long longValue(Object number) {
        if (number == null) {
            return null;
        }
        if (number instanceof Integer || number instanceof Long) {
            return ((Number) number).longValue();
        }
        throw new ClassCastException("a whole number was expected, not " + number);
    }

    /** Python's default separators, on one line: {@code {"a": 1, "b": [1, 2]}}. Holds no state. */
    private static final class PythonSeparators implements PrettyPrinter {

        @Override
        public void writeRootValueSeparator(JsonGenerator out) throws IOException {
            out.writeRaw(' ');
        }

        @Override
        public void writeStartObject(JsonGenerator out) throws IOException {
            out.writeRaw('{');
        }

        @Override
        public void writeEndObject(JsonGenerator out, int entries) throws IOException {
            out.writeRaw('}');
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator out) throws IOException {
            out.writeRaw(", ");
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator out) throws IOException {
            out.writeRaw(": ");
        }

        @Override
        public void writeStartArray(JsonGenerator out) throws IOException {
            out.writeRaw('[');
        }

        @Override
        public void writeEndArray(JsonGenerator out, int values) throws IOException {
            out.writeRaw(']');
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator out) throws IOException {
            out.writeRaw(", ");
        }

        @Override
        public void beforeArrayValues(JsonGenerator out) {
            // nothing before the first value
        }

        @Override
        public void beforeObjectEntries(JsonGenerator out) {
            // nothing before the first entry
        }
    }
}
