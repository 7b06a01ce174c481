package io.ciorelay.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;

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

    /** Writes JSON with a generator; the same errors as {@link #write}. */
    interface GeneratorWrite {
        void to(com.fasterxml.jackson.core.JsonGenerator g) throws IOException;
    }

    /**
     * A generator and its buffer kept per thread: creating a generator costs about as much as
     * writing a small operation with it. Root values follow one another with no separator.
     */
    private static final class Reusable {
        final com.fasterxml.jackson.core.util.ByteArrayBuilder out = new com.fasterxml.jackson.core.util.ByteArrayBuilder(1024);
        com.fasterxml.jackson.core.JsonGenerator generator;
        boolean busy;
    }

    private static final ThreadLocal<Reusable> REUSABLE = ThreadLocal.withInitial(Reusable::new);

    /** Encodes what {@code body} writes, or throws ValidationException naming the field when it cannot be encoded. */
    static byte[] writeStreaming(String field, GeneratorWrite body) {
        Reusable r = REUSABLE.get();
        if (r.busy) {
            return writeFresh(field, body); // written from inside another write on this thread
        }
        r.busy = true;
        try {
            if (r.generator == null) {
                r.generator = MAPPER.createGenerator(r.out);
                r.generator.setRootValueSeparator(null);
            }
            body.to(r.generator);
            r.generator.flush();
            return r.out.toByteArray();
        } catch (JsonProcessingException e) {
            r.generator = null; // left mid-value: start the next write on a new one
            throw new ValidationException(new Violation(field, "cannot be encoded as JSON: " + e.getOriginalMessage(), -1, -1));
        } catch (IOException | RuntimeException e) {
            r.generator = null;
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new java.io.UncheckedIOException((IOException) e); // an in-memory buffer does not fail
        } finally {
            r.out.reset();
            r.busy = false;
        }
    }

    private static byte[] writeFresh(String field, GeneratorWrite body) {
        com.fasterxml.jackson.core.util.ByteArrayBuilder out = new com.fasterxml.jackson.core.util.ByteArrayBuilder(512);
        try (com.fasterxml.jackson.core.JsonGenerator g = MAPPER.createGenerator(out)) {
            body.to(g);
        } catch (JsonProcessingException e) {
            throw new ValidationException(new Violation(field, "cannot be encoded as JSON: " + e.getOriginalMessage(), -1, -1));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Writes a value exactly as {@link #MAPPER} would, taking a direct path for the JSON-shaped
     * types (strings, integral numbers, finite doubles, booleans, null, maps with string keys,
     * lists) and handing anything else to the mapper. Direct because the mapper's map serializer
     * looks up a key and a value serializer per entry, which is most of the cost of an operation.
     */
    static void writeValue(com.fasterxml.jackson.core.JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Double d && Double.isFinite(d)) {
            g.writeNumber(d);
        } else if (v instanceof Map<?, ?> m && stringKeys(m)) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName((String) e.getKey());
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof java.util.List<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else {
            g.writeObject(v);
        }
    }

    private static boolean stringKeys(Map<?, ?> m) {
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                return false;
            }
        }
        return true;
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
