package io.ciorelay.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounded parsing of request bodies: the streaming batch scan, the token limit and the error cap. */
class JsonBodiesTest {
  final JsonBodies bodies = new JsonBodies(1_000_000, 32, 1000, 5);

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String error(ApiError e) {
    return e.violations.get(0).message();
  }

  @Test
  void aBatchIsScannedIntoItsElementsWhichAreParsedOneAtATime() {
    JsonBodies.Batch b = bodies.scanBatch(bytes("{\"other\":{\"x\":[1]},\"batch\":[ {\"a\":1} ,2,\"s\",{\"b\":{\"c\":[]}}]}"), ApiError.Shape.V2);
    assertEquals(4, b.size());
    assertEquals(1, b.element(0).path("a").asInt());
    assertNull(b.element(1), "not an object");
    assertNull(b.element(2), "not an object");
    assertTrue(b.element(3).path("b").path("c").isArray());
  }

  @Test
  void tooManyOperationsAreRefusedWhileScanningBeforeAnyIsParsed() {
    ApiError e = assertThrows(ApiError.class, () -> bodies.scanBatch(bytes("{\"batch\":[1,2,3,4,5,6]}"), ApiError.Shape.V2));
    assertEquals(400, e.status);
    assertEquals("batch holds more than the limit of 5 operations", error(e));
    assertEquals(5, bodies.scanBatch(bytes("{\"batch\":[1,2,3,4,5]}"), ApiError.Shape.V2).size());
  }

  @Test
  void theScanRefusesWhatTheTreeParserWouldWithTheSameReasons() {
    assertEquals("body must be an object with a 'batch' array",
        error(assertThrows(ApiError.class, () -> bodies.scanBatch(bytes("[1]"), ApiError.Shape.V2))));
    assertEquals("body must be an object with a 'batch' array",
        error(assertThrows(ApiError.class, () -> bodies.scanBatch(bytes("{\"batch\":{}}"), ApiError.Shape.V2))));
    assertEquals("body must be an object with a 'batch' array",
        error(assertThrows(ApiError.class, () -> bodies.scanBatch(bytes("{\"x\":1}"), ApiError.Shape.V2))));
    assertEquals("batch must contain at least one operation",
        error(assertThrows(ApiError.class, () -> bodies.scanBatch(bytes("{\"batch\":[]}"), ApiError.Shape.V2))));
    assertTrue(error(assertThrows(ApiError.class, () -> bodies.scanBatch(bytes("{\"batch\":[1]} x"), ApiError.Shape.V2)))
        .contains("malformed JSON"));
    assertTrue(error(assertThrows(ApiError.class, () -> bodies.scanBatch(bytes("{\"batch\":[1],\"batch\":[2]}"),
        ApiError.Shape.V2))).contains("Duplicate field 'batch'"));
    assertTrue(error(assertThrows(ApiError.class, () -> bodies.scanBatch(bytes("{\"batch\":[" + "[".repeat(40) + "]".repeat(40)
        + "]}"), ApiError.Shape.V2))).contains("nested deeper than the limit of 32 levels"));
  }

  @Test
  void aBodyOrAnOperationWithMoreTokensThanTheLimitIsRefused() {
    StringBuilder sb = new StringBuilder("{\"d\":[0");
    for (int i = 1; i < 2000; i++) {
      sb.append(",0");
    }
    String big = sb.append("]}").toString();
    ApiError e = assertThrows(ApiError.class, () -> bodies.parse(bytes(big), ApiError.Shape.V1));
    assertEquals("body: JSON holds more than the limit of 1000 tokens (values, keys and brackets)", error(e));
    JsonBodies.Batch b = bodies.scanBatch(bytes("{\"batch\":[" + big + ",{}]}"), ApiError.Shape.V2);
    ValidationException v = assertThrows(ValidationException.class, () -> b.element(0));
    assertTrue(v.violations().get(0).message().contains("more than the limit of 1000 tokens"), v.getMessage());
    assertTrue(b.element(1).isObject(), "the next operation is parsed on its own");
  }

  @Test
  void anOperationFarLargerThanTheLimitIsReportedWithoutBeingParsed() {
    String huge = "{\"name\":\"" + "x".repeat(4 * 32_000) + "\"}";
    JsonBodies.Batch b = bodies.scanBatch(bytes("{\"batch\":[" + huge + "]}"), ApiError.Shape.V2);
    ValidationException v = assertThrows(ValidationException.class, () -> b.element(0));
    assertEquals("operation is " + huge.length() + " bytes of JSON; the limit is 32000 bytes", v.violations().get(0).message());
  }

  @Test
  void batchErrorsListTheFirstHundredAndCountAll() {
    TrackV2Routes.BatchErrors errors = new TrackV2Routes.BatchErrors(100);
    for (int i = 0; i < 250; i++) {
      errors.add(i, List.of(new io.ciorelay.client.Violation("operation", "operation must be a JSON object", -1, -1)));
    }
    var json = errors.toJson();
    assertEquals(100, json.path("errors").size());
    assertEquals(250, json.path("errors_total").asLong());
    assertTrue(json.path("errors_truncated").asBoolean());
    TrackV2Routes.BatchErrors few = new TrackV2Routes.BatchErrors(100);
    few.add(3, List.of(new io.ciorelay.client.Violation("name", "name is required", -1, -1)));
    assertEquals(1, few.toJson().path("errors_total").asLong());
    assertTrue(few.toJson().path("errors_truncated").isMissingNode(), "no truncation flag when all are listed");
  }

  @Test
  void anErrorAnswerNamesAtMostAHundredViolations() {
    List<io.ciorelay.client.Violation> many = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      many.add(new io.ciorelay.client.Violation("f" + i, "bad", -1, -1));
    }
    ApiError e = new ApiError(400, ApiError.Shape.V1, "invalid", many, null);
    assertEquals(100, e.violations.size());
  }
}
