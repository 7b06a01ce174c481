package io.ciorelay.simulator;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.javalin.http.Context;
import java.util.List;

/** One API route's request handling after faults, authentication and the rate limit passed. */
@FunctionalInterface
interface Endpoint {

  /**
   * Validates the request and says what to answer and which operations to record.
   *
   * @throws Rejection to answer with an error
   */
  Result handle(Context ctx, byte[] body);

  /** What to answer and record. */
  record Result(int status, byte[] body, List<RecordedOperation.Builder> operations, int rejected) {
    static Result ok(RecordedOperation.Builder op) {
      return new Result(200, Responses.EMPTY_OBJECT, List.of(op), 0);
    }
  }

  /**
   * Parses a body that must be a JSON object; an empty body counts as {@code {}} when allowed.
   *
   * @throws Rejection 400 in the API's error shape when the body is not a JSON object
   */
  static JsonNode parseObject(byte[] body, boolean emptyIsObject, boolean v2) {
    if (body.length == 0 || isBlank(body)) {
      if (emptyIsObject) {
        return JsonNodeFactory.instance.objectNode();
      }
      throw malformed(v2, "request body must be a JSON object but was empty");
    }
    JsonNode node;
    try {
      node = Responses.MAPPER.readTree(body);
    } catch (JacksonException e) {
      throw malformed(v2, "request body is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw malformed(v2, "request body could not be read");
    }
    if (node == null || !node.isObject()) {
      throw malformed(v2, "request body must be a JSON object");
    }
    return node;
  }

  static Rejection malformed(boolean v2, String message) {
    return new Rejection(400, v2 ? Responses.v2Error("malformed", "", message) : Responses.v1Error(message), 1);
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }
}
