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
 * draining a bounded amount so the client sees the answer), JSON nested at most {@code maxDepth}
 * deep and holding at most {@code maxTokens} JSON tokens (else 400). Jackson's
 * {@link StreamReadConstraints} enforce both while parsing, so a hostile body never builds a deep or
 * huge tree: a tree costs at most about 100 bytes of heap per token.
 *
 * <p>A v2 batch is not parsed into one tree: {@link #scanBatch} walks the body with a streaming
 * parser (no tree) to find where each operation lies and refuses more than {@code maxBatchOperations}
 * before any operation is looked at; {@link Batch#element} then parses one operation at a time.
 * Thread-safe.
 */
final class JsonBodies {
  static final ObjectMapper MAPPER = new ObjectMapper();
  /** Beyond this many bytes an oversize body is not drained; the connection is closed instead. */
  static final long MAX_DRAIN_BYTES = 16L * 1024 * 1024;

  /** A batch operation whose JSON is larger than this many times the operation limit is refused unparsed. */
  static final int MAX_RAW_OPERATION_FACTOR = 4;

  private final int maxBytes;
  private final int maxDepth;
  private final long maxTokens;
  private final int maxBatchOperations;
  private final ObjectMapper reader;
  private final JsonFactory scanner;

  JsonBodies(int maxBytes, int maxDepth) {
    this(maxBytes, maxDepth, RelayConfig.DEFAULT_MAX_JSON_TOKENS, RelayConfig.DEFAULT_MAX_BATCH_OPERATIONS);
  }

  JsonBodies(int maxBytes, int maxDepth, long maxTokens, int maxBatchOperations) {
    this.maxBytes = maxBytes;
    this.maxDepth = maxDepth;
    this.maxTokens = maxTokens;
    this.maxBatchOperations = maxBatchOperations;
    JsonFactory f = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).maxTokenCount(maxTokens).build())
        .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
    this.reader = new ObjectMapper(f).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    // The batch scan builds nothing, so it needs no token limit; depth and duplicates still apply.
    this.scanner = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
        .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
  }

  int maxBytes() {
    return maxBytes;
  }

  /** The raw body. @throws ApiError 413 when larger than the limit */
  byte[] read(Context ctx, ApiError.Shape shape) {
    byte[] buffered = ctx.attribute(BodyReader.BODY);
    if (buffered != null) {
      if (buffered.length > maxBytes) {
        throw tooLarge(shape, buffered.length);
      }
      return buffered;
    }
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
    return parse(body, 0, body.length, shape, "body");
  }

  private JsonNode parse(byte[] body, int offset, int length, ApiError.Shape shape, String field) {
    try {
      JsonNode n = reader.readTree(body, offset, length);
      return n == null ? MAPPER.createObjectNode() : n;
    } catch (StreamConstraintsException e) {
      throw constraint(e, shape, field);
    } catch (JsonProcessingException e) {
      throw ApiError.of(400, shape, "invalid", field, field + ": malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      // The bytes are in memory, so this is about them: Jackson guesses UTF-16 or UTF-32 from
      // leading zero bytes and reports an impossible character as a CharConversionException.
      throw ApiError.of(400, shape, "invalid", field, field + ": not JSON text in UTF-8: " + e.getMessage());
    }
  }

  private ApiError constraint(StreamConstraintsException e, ApiError.Shape shape, String field) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("Token count")) {
      return new ApiError(400, shape, "invalid", java.util.List.of(new io.ciorelay.client.Violation(field,
          field + ": JSON holds more than the limit of " + maxTokens + " tokens (values, keys and brackets)",
          maxTokens, -1)), null);
    }
    if (m.contains("nesting depth")) {
      return ApiError.of(400, shape, "invalid", field, field + ": JSON is nested deeper than the limit of " + maxDepth + " levels");
    }
    return ApiError.of(400, shape, "invalid", field, field + ": JSON exceeds a parser limit: " + e.getOriginalMessage());
  }

  /**
   * Where the operations of a v2 batch body lie: a streaming pass that validates the whole body
   * (syntax, depth, duplicate keys) and records each element's byte range, without building a tree.
   *
   * @throws ApiError 400 if the body is not {@code {"batch":[...]}} with 1 to {@code maxBatchOperations} elements
   */
  Batch scanBatch(byte[] body, ApiError.Shape shape) {
    int[] starts = new int[16];
    int[] ends = new int[16];
    int count = 0;
    boolean sawBatch = false;
    try (JsonParser p = scanner.createParser(body)) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        throw ApiError.of(400, shape, "invalid", "batch", "body must be an object with a 'batch' array");
      }
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String name = p.currentName();
        com.fasterxml.jackson.core.JsonToken t = p.nextToken();
        if (!"batch".equals(name)) {
          p.skipChildren();
          continue;
        }
        if (t != com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
          throw ApiError.of(400, shape, "invalid", "batch", "body must be an object with a 'batch' array");
        }
        sawBatch = true;
        while (p.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
          if (count == maxBatchOperations) {
            throw new ApiError(400, shape, "invalid", java.util.List.of(new io.ciorelay.client.Violation("batch",
                "batch holds more than the limit of " + maxBatchOperations + " operations", maxBatchOperations, -1)), null);
          }
          int start = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          int end = (int) p.currentLocation().getByteOffset();
          if (count == starts.length) {
            starts = java.util.Arrays.copyOf(starts, count * 2);
            ends = java.util.Arrays.copyOf(ends, count * 2);
          }
          starts[count] = start;
          ends[count] = end;
          count++;
        }
      }
      if (p.nextToken() != null) {
        throw ApiError.of(400, shape, "invalid", "body", "body: malformed JSON: trailing content after the object");
      }
    } catch (StreamConstraintsException e) {
      throw constraint(e, shape, "body");
    } catch (JsonProcessingException e) {
      throw ApiError.of(400, shape, "invalid", "body", "body: malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      // The body is in memory, so this is about its bytes: Jackson guesses UTF-16 or UTF-32 from
      // leading zero bytes and reports an impossible character as a CharConversionException.
      throw ApiError.of(400, shape, "invalid", "body", "body: not JSON text in UTF-8: " + e.getMessage());
    }
    if (!sawBatch) {
      throw ApiError.of(400, shape, "invalid", "batch", "body must be an object with a 'batch' array");
    }
    if (count == 0) {
      throw ApiError.of(400, shape, "invalid", "batch", "batch must contain at least one operation");
    }
    return new Batch(body, starts, ends, count);
  }

  /** The operations of a scanned batch body; each is parsed only when asked for. Not thread-safe. */
  final class Batch {
    private final byte[] body;
    private final int[] starts;
    private final int[] ends;
    private final int size;

    private Batch(byte[] body, int[] starts, int[] ends, int size) {
      this.body = body;
      this.starts = starts;
      this.ends = ends;
      this.size = size;
    }

    int size() {
      return size;
    }

    /**
     * The operation at {@code index} as a tree, or null when it is not a JSON object.
     *
     * @throws io.ciorelay.client.ValidationException if its JSON is far larger than an operation may be
     *     ({@value #MAX_RAW_OPERATION_FACTOR} times the limit; such an element is not parsed) or breaks a parser limit
     */
    JsonNode element(int index) {
      int start = starts[index];
      int length = ends[index] - start;
      if (body[start] != '{') {
        return null;
      }
      int limit = io.ciorelay.client.Limits.MAX_OPERATION_BYTES;
      if (length > MAX_RAW_OPERATION_FACTOR * limit) {
        throw new io.ciorelay.client.ValidationException(new io.ciorelay.client.Violation("operation",
            "operation is " + length + " bytes of JSON; the limit is " + limit + " bytes", limit, length));
      }
      try {
        return parse(body, start, length, ApiError.Shape.V2, "operation");
      } catch (ApiError e) {
        throw new io.ciorelay.client.ValidationException(e.violations);
      }
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
