package io.ciorelay.server.relay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads request bodies within the relay's limits: at most {@code maxBytes} (else 413, after
 * draining a bounded amount so the client sees the answer) and JSON nested at most
 * {@code maxDepth} deep (else 400). Jackson's {@link StreamReadConstraints} enforce the depth while
 * parsing, so a hostile body never builds a deep tree. Thread-safe.
 */
final class JsonBodies {
  static final ObjectMapper MAPPER = new ObjectMapper();
  /** Beyond this many bytes an oversize body is not drained; the connection is closed instead. */
  static final long MAX_DRAIN_BYTES = 16L * 1024 * 1024;

  private final int maxBytes;
  private final int maxDepth;
  private final ObjectMapper reader;

  JsonBodies(int maxBytes, int maxDepth) {
    this.maxBytes = maxBytes;
    this.maxDepth = maxDepth;
    JsonFactory f = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
        .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
    this.reader = new ObjectMapper(f).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  int maxBytes() {
    return maxBytes;
  }

  /** The raw body. @throws ApiError 413 when larger than the limit */
  byte[] read(Context ctx, ApiError.Shape shape) {
    long declared = ctx.req().getContentLengthLong();
    try (InputStream in = ctx.req().getInputStream()) {
      if (declared > maxBytes) {
        drain(in);
        throw tooLarge(shape, declared);
      }
      byte[] body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        long extra = drain(in);
        throw tooLarge(shape, body.length + extra);
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The body parsed as JSON, every number in it finite; an empty body is an empty object.
   *
   * @throws ApiError 400 or 413
   */
  JsonNode readJson(Context ctx, ApiError.Shape shape) {
    JsonNode n = parse(read(ctx, shape), shape);
    requireFinite(n, "body", shape);
    return n;
  }

  /**
   * Refuses a number that overflowed a double while parsing ({@code 1e999} becomes Infinity, which
   * has no JSON form and would be sent on as the string {@code "Infinity"}), naming where it is.
   * Bounded by the nesting limit.
   *
   * @throws ApiError 400
   */
  static void requireFinite(JsonNode n, String path, ApiError.Shape shape) {
    if (n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue())) {
      throw ApiError.of(400, shape, "invalid", path, path + ": the number is out of range (it overflows a double to "
          + n.doubleValue() + "); JSON numbers must be finite");
    }
    if (n.isObject()) {
      for (java.util.Map.Entry<String, JsonNode> e : n.properties()) {
        requireFinite(e.getValue(), path + "." + e.getKey(), shape);
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        requireFinite(n.get(i), path + "[" + i + "]", shape);
      }
    }
  }

  JsonNode parse(byte[] body, ApiError.Shape shape) {
    if (body.length == 0) {
      return MAPPER.createObjectNode();
    }
    try {
      JsonNode n = reader.readTree(body);
      return n == null ? MAPPER.createObjectNode() : n;
    } catch (StreamConstraintsException e) {
      String m = e.getOriginalMessage();
      throw ApiError.of(400, shape, "invalid", "body", m != null && m.contains("nesting depth")
          ? "body: JSON is nested deeper than the limit of " + maxDepth + " levels"
          : "body: JSON exceeds a parser limit: " + m);
    } catch (JsonProcessingException e) {
      throw ApiError.of(400, shape, "invalid", "body", "body: malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      // The body is in memory, so this is about its bytes: Jackson guesses UTF-16 or UTF-32 from
      // leading zero bytes and reports an impossible character as a CharConversionException.
      throw ApiError.of(400, shape, "invalid", "body", "body: not JSON text in UTF-8: " + e.getMessage());
    }
  }

  private ApiError tooLarge(ApiError.Shape shape, long size) {
    return new ApiError(413, shape, "too_large", java.util.List.of(new io.ciorelay.client.Violation("body",
        "body: request body is " + (size >= 0 ? size + " bytes or more" : "too large") + "; the limit is " + maxBytes + " bytes",
        maxBytes, size)), null);
  }

  private static long drain(InputStream in) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    int n;
    while (total < MAX_DRAIN_BYTES && (n = in.read(buf)) > 0) {
      total += n;
    }
    return total;
  }

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static {
    MAPPER.getFactory().disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
  }
}
