package io.ciorelay.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The shared Jackson mapper and small helpers. Thread-safe (the mapper is never reconfigured). */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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
