package io.ciorelay.server.relay;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ciorelay.client.Violation;
import io.javalin.http.Context;
import java.util.List;

/**
 * A request the relay refuses, with the status and the problems, rendered in the shape the caller
 * expects: Track v1 ({@code {"meta":{"errors":[...]}}}), Track v2 ({@code {"errors":[{reason,field,message}]}})
 * or plain ({@code {"error":"..."}}) for the relay's own routes. Immutable.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  enum Shape { V1, V2, PLAIN }

  /** Most violations an error answer lists. */
  static final int MAX_LISTED = 100;

  final int status;
  final Shape shape;
  final String reason;
  final transient List<Violation> violations;
  final Integer retryAfterSeconds;

  ApiError(int status, Shape shape, String reason, List<Violation> violations, Integer retryAfterSeconds) {
    super(violations.isEmpty() ? reason : violations.get(0).toString());
    this.status = status;
    this.shape = shape;
    this.reason = reason;
    // An answer names at most MAX_LISTED violations, so its size is bounded whatever the input.
    this.violations = List.copyOf(violations.size() > MAX_LISTED ? violations.subList(0, MAX_LISTED) : violations);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static ApiError of(int status, Shape shape, String reason, String field, String message) {
    return new ApiError(status, shape, reason, List.of(new Violation(field, message, -1, -1)), null);
  }

  static ApiError unavailable(Shape shape, String message, int retryAfterSeconds) {
    return new ApiError(503, shape, "unavailable", List.of(new Violation("", message, -1, -1)), retryAfterSeconds);
  }

  void render(Context ctx) {
    ctx.status(status);
    headers().forEach(ctx::header);
    ctx.contentType("application/json").result(body());
  }

  /** The headers this answer carries besides its content type. */
  java.util.Map<String, String> headers() {
    java.util.Map<String, String> h = new java.util.LinkedHashMap<>();
    if (retryAfterSeconds != null) {
      h.put("Retry-After", Integer.toString(retryAfterSeconds));
    }
    if (status == 401) {
      h.put("WWW-Authenticate", shape == Shape.PLAIN ? "Bearer realm=\"cio-relay admin\"" : "Basic realm=\"cio-relay\"");
    }
    return h;
  }

  /** The JSON body of this answer, in its shape. */
  String body() {
    ObjectNode body = JsonBodies.MAPPER.createObjectNode();
    switch (shape) {
      case V1 -> {
        ObjectNode meta = body.putObject("meta");
        if (status == 401) {
          meta.put("error", violations.get(0).message());
        } else {
          ArrayNode errors = meta.putArray("errors");
          violations.forEach(v -> errors.add(text(v)));
        }
      }
      case V2 -> {
        ArrayNode errors = body.putArray("errors");
        for (Violation v : violations) {
          ObjectNode e = errors.addObject();
          e.put("reason", reason);
          e.put("field", v.field());
          e.put("message", v.message());
          if (v.limit() >= 0) {
            e.put("limit", v.limit());
            e.put("actual", v.actual());
          }
        }
      }
      default -> body.put("error", violations.isEmpty() ? reason : text(violations.get(0)));
    }
    return JsonBodies.write(body);
  }

  static String text(Violation v) {
    return v.field() == null || v.field().isEmpty() || v.message().startsWith(v.field()) ? v.message()
        : v.field() + ": " + v.message();
  }
}
