package io.ciorelay.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Response bodies in Customer.io's shapes, and the shared JSON mapper. Stateless and thread-safe. */
final class Responses {
  /** Nesting deeper than this is rejected as malformed instead of being parsed. */
  static final int MAX_NESTING_DEPTH = 200;

  static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
      .build());

  static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

  private Responses() {}

  /** v1 error body {@code {"meta":{"errors":[...]}}}. */
  static byte[] v1Errors(List<String> messages) {
    return write(g -> {
      g.writeStartObject();
      g.writeObjectFieldStart("meta");
      g.writeArrayFieldStart("errors");
      for (String m : messages) {
        g.writeString(m);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  static byte[] v1Error(String message) {
    return v1Errors(List.of(message));
  }

  static byte[] v1Problems(Problems problems) {
    return v1Errors(problems.list().stream().map(Problems.Problem::message).toList());
  }

  /** v2 error body {@code {"errors":[{reason,field,message}]}} (batchIndex -1 omits batch_index). */
  static byte[] v2Errors(List<IndexedProblem> problems) {
    return write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("errors");
      for (IndexedProblem p : problems) {
        g.writeStartObject();
        if (p.batchIndex >= 0) {
          g.writeNumberField("batch_index", p.batchIndex);
        }
        g.writeStringField("reason", p.problem.reason());
        g.writeStringField("field", p.problem.field());
        g.writeStringField("message", p.problem.message());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  static byte[] v2Error(String reason, String field, String message) {
    return v2Errors(List.of(new IndexedProblem(-1, new Problems.Problem(reason, field, message))));
  }

  /** An error in the shape of the API the request was made to. */
  static byte[] error(boolean v2, String reason, String message) {
    return v2 ? v2Error(reason, "", message) : v1Error(message);
  }

  record IndexedProblem(int batchIndex, Problems.Problem problem) {}

  interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  static byte[] write(Writer w) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      w.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
