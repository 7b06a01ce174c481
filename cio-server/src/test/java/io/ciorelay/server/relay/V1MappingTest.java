package io.ciorelay.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ciorelay.client.Action;
import io.ciorelay.client.EventType;
import io.ciorelay.client.IdentifierType;
import io.ciorelay.client.Operation;
import io.ciorelay.client.ValidationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class V1MappingTest {
  static JsonNode json(String s) throws Exception {
    return JsonBodies.MAPPER.readTree(s);
  }

  @Test
  void pathIdentifierTypeIsInferredFromTheValue() {
    assertEquals(IdentifierType.ID, V1Mapping.pathIdentifier("42").type());
    assertEquals(IdentifierType.EMAIL, V1Mapping.pathIdentifier("a+b@example.com").type());
    assertEquals(IdentifierType.CIO_ID, V1Mapping.pathIdentifier("cio_f000000d").type());
    assertEquals("f000000d", V1Mapping.pathIdentifier("cio_f000000d").value());
    assertEquals(IdentifierType.ID, V1Mapping.pathIdentifier("+15551234567").type(), "a phone in the path is an id");
    ValidationException e = assertThrows(ValidationException.class, () -> V1Mapping.pathIdentifier(" "));
    assertEquals("identifier", e.violations().get(0).field());
  }

  @Test
  void eventKeepsTheClientIdAndTimestampAndTrimsTheName() throws Exception {
    Operation op = V1Mapping.event("p1",
        json("{\"name\":\" purchase \",\"id\":\"01JABC\",\"timestamp\":1700000000,\"data\":{\"sku\":\"x\"}}"));
    assertEquals(Action.EVENT, op.action());
    assertEquals("purchase", op.name());
    assertEquals("01JABC", op.id());
    assertEquals(1700000000L, op.timestamp());
    assertEquals(Map.of("sku", "x"), op.attributes());
    assertEquals(Action.PAGE, V1Mapping.event("p1", json("{\"type\":\"page\",\"name\":\"/pricing\"}")).action());
    assertEquals(Action.SCREEN, V1Mapping.event("p1", json("{\"type\":\"screen\",\"name\":\"Home\"}")).action());
    assertNull(V1Mapping.event("p1", json("{\"name\":\"x\"}")).id(), "an id is assigned later, at acceptance");
  }

  @Test
  void eventProblemsNameTheField() {
    assertEquals("name", field(() -> V1Mapping.event("p1", json("{}"))));
    assertEquals("type", field(() -> V1Mapping.event("p1", json("{\"name\":\"x\",\"type\":\"video\"}"))));
    assertEquals("timestamp", field(() -> V1Mapping.event("p1", json("{\"name\":\"x\",\"timestamp\":\"soon\"}"))));
    assertEquals("id", field(() -> V1Mapping.event("p1", json("{\"name\":\"x\",\"id\":7}"))));
    assertEquals("data", field(() -> V1Mapping.event("p1", json("{\"name\":\"x\",\"data\":\"s\"}"))));
  }

  @Test
  void identifyMovesTimestampAndRelationshipsOutOfTheAttributes() throws Exception {
    List<Operation> ops = V1Mapping.identify("a@b.co", json("{\"plan\":\"pro\",\"_timestamp\":1700000001,"
        + "\"cio_relationships\":{\"action\":\"add_relationships\",\"relationships\":[{\"identifiers\":{\"object_type_id\":\"1\",\"object_id\":\"acme\"}}]}}"));
    assertEquals(2, ops.size());
    assertEquals(Action.IDENTIFY, ops.get(0).action());
    assertEquals(IdentifierType.EMAIL, ops.get(0).identifiers().type());
    assertEquals(Map.of("plan", "pro"), ops.get(0).attributes());
    assertEquals(1700000001L, ops.get(0).timestamp());
    assertEquals(Action.ADD_RELATIONSHIPS, ops.get(1).action());
    assertEquals(1, ops.get(1).relationships().size());
  }

  @Test
  void anonymousEventNeedsAnAnonymousId() throws Exception {
    V1Mapping.Anonymous a = V1Mapping.anonymous(json("{\"anonymous_id\":\"anon-1\",\"name\":\"visited\",\"id\":\"01JX\"}"));
    assertEquals("anon-1", a.anonymousId());
    assertEquals("01JX", a.event().id());
    assertEquals(EventType.EVENT, a.event().type());
    assertEquals("anonymous_id", field(() -> V1Mapping.anonymous(json("{\"name\":\"visited\"}"))));
  }

  @Test
  void deviceIdBecomesTheToken() throws Exception {
    Operation op = V1Mapping.addDevice("p1",
        json("{\"device\":{\"id\":\"tok-1\",\"platform\":\"ios\",\"last_used\":1700000000,\"attributes\":{\"app_version\":\"1.2\"}}}"));
    assertEquals(Action.ADD_DEVICE, op.action());
    assertEquals("tok-1", op.device().token());
    assertEquals("ios", op.device().platform());
    assertEquals(1700000000L, op.device().lastUsed());
    assertTrue(new String(op.toJson()).contains("\"token\":\"tok-1\""));
    assertEquals("device.platform", field(() -> V1Mapping.addDevice("p1", json("{\"device\":{\"id\":\"t\"}}"))));
    assertEquals("tok-2", V1Mapping.deleteDevice("p1", "tok-2").device().token());
  }

  @Test
  void mergeReadsBothSides() throws Exception {
    Operation op = V1Mapping.merge(json("{\"primary\":{\"id\":\"p1\"},\"secondary\":{\"email\":\"old@x.io\"}}"));
    assertEquals(Action.MERGE, op.action());
    assertEquals(IdentifierType.EMAIL, op.secondary().type());
    assertEquals("secondary", field(() -> V1Mapping.merge(json("{\"primary\":{\"id\":\"p1\"}}"))));
  }

  interface Call {
    Object run() throws Exception;
  }

  static String field(Call c) {
    ValidationException e = assertThrows(ValidationException.class, c::run);
    return e.violations().get(0).field();
  }
}
