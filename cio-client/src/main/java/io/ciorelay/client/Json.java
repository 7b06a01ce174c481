package io.ciorelay.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The shared Jackson mapper and small helpers. Thread-safe (the mapper is never reconfigured). */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .registerModule(new com.fasterxml.jackson.databind.module.SimpleModule("finite-numbers")
                    .addSerializer(Double.class, new FiniteNumberSerializer())
                    .addSerializer(Double.TYPE, new FiniteNumberSerializer())
                    .addSerializer(Float.class, new FiniteNumberSerializer())
                    .addSerializer(Float.TYPE, new FiniteNumberSerializer()));

    /**
     * Writes a double or float, refusing NaN and the infinities: JSON has no such numbers, and
     * Jackson's default would send the string {@code "Infinity"} in place of the number.
     */
    private static final class FiniteNumberSerializer
            extends com.fasterxml.jackson.databind.ser.std.StdSerializer<Number> {
        private static final long serialVersionUID = 1L;

        FiniteNumberSerializer() {
            super(Number.class);
        }

        @Override
        public void serialize(Number value, com.fasterxml.jackson.core.JsonGenerator gen,
                com.fasterxml.jackson.databind.SerializerProvider provider) throws IOException {
            double d = value.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw com.fasterxml.jackson.databind.JsonMappingException.from(gen,
                        "the number " + d + " has no JSON form (numbers must be finite; out-of-range values such as"
                                + " 1e999 overflow to Infinity)");
            }
            if (value instanceof Float f) {
                gen.writeNumber(f);
            } else {
                gen.writeNumber(d);
            }
        }
    }

    private Json() {
    }

    /** Encodes a value, or throws ValidationException naming the field when it cannot be encoded. */
    static byte[] write(Object value, String field) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new ValidationException(new Violation(field, "cannot be encoded as JSON: " + e.getOriginalMessage(), -1, -1));
        }
    }

    /** Returns the parsed tree, or null when the bytes are empty or not JSON. */
    static JsonNode readTreeOrNull(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
