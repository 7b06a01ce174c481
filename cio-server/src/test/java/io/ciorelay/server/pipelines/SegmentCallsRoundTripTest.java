package io.ciorelay.server.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.client.Device;
import io.ciorelay.client.Identifiers;
import io.ciorelay.client.ObjectIdentifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.client.SegmentCalls;
import io.ciorelay.client.ValidationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link SegmentCalls} (Track v2 → Segment spec, for the Pipelines target) is the inverse of
 * {@link PipelinesMapping} (Segment spec → Track v2): an operation sent as Segment calls and read
 * back is the same operation.
 */
class SegmentCallsRoundTripTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Identifiers U = Identifiers.id("u1");
  static final ObjectIdentifiers ACME = ObjectIdentifiers.of("2", "acme");

  static Operation back(Map<String, Object> call) {
    return PipelinesMapping.map(JSON.valueToTree(call), null, null).operation();
  }

  @Test
  void everyOneCallOperationComesBackUnchanged() {
    List<Operation> ops = List.of(
        Operation.identify(U, Map.of("plan", "pro")).withTimestamp(1_700_000_000L),
        Operation.identify(Identifiers.email("a@example.com"), Map.of()),
        Operation.identify(Identifiers.cioId("abc"), Map.of("n", 1)),
        Operation.event(U, "purchase", Map.of("sku", "x")).withTimestamp(1_700_000_000L),
        Operation.page(U, "https://x.test/p", Map.of()),
        Operation.screen(U, "Home", Map.of("tab", 2)),
        Operation.delete(U),
        Operation.suppress(U),
        Operation.unsuppress(Identifiers.email("a@example.com")),
        Operation.addDevice(U, Device.builder("tok", "ios").lastUsed(1_700_000_000L).attributes(Map.of("app", "1.2")).build()),
        Operation.deleteDevice(U, "tok"),
        Operation.merge(U, Identifiers.email("old@example.com")),
        Operation.deleteRelationships(U, List.of(Map.of("identifiers", ACME.toMap()))),
        Operation.objectIdentify(ACME, Map.of("name", "Acme"), List.of(Map.of("identifiers", Map.of("id", "u1")))),
        Operation.objectIdentifyAnonymous(ACME, Map.of(), List.of(Map.of("identifiers", Map.of("anonymous_id", "a1")))),
        Operation.objectDelete(ACME));
    for (Operation op : ops) {
      List<Map<String, Object>> calls = SegmentCalls.toCalls(op, "seq-7");
      assertEquals(1, calls.size(), op.toString());
      assertEquals(op, back(calls.get(0)).withId(null), op + " as " + calls.get(0)); // an event id comes from the messageId
    }
  }

  @Test
  void eventsCarryTheirIdAsMessageIdAndOtherOperationsTheSeed() {
    Operation ev = Operation.event(U, "e", Map.of()).withId("01JAAAAAAAAAAAAAAAAAAAAAAA");
    assertEquals("01JAAAAAAAAAAAAAAAAAAAAAAA", SegmentCalls.toCalls(ev, "s").get(0).get("messageId"));
    assertEquals("s", SegmentCalls.toCalls(Operation.delete(U), "s").get(0).get("messageId"));
    List<Map<String, Object>> two = SegmentCalls.toCalls(Operation.addRelationships(U, List.of(
        Map.of("identifiers", ACME.toMap()), Map.of("identifiers", ObjectIdentifiers.of("1", "b").toMap()))), "s");
    assertEquals(List.of("s", "s-2"), two.stream().map(c -> c.get("messageId")).toList());
    Operation group = back(two.get(0));
    assertTrue(group.isObject());
    assertEquals(ACME, group.object());
    assertEquals(Map.of("id", "u1"), group.relationships().get(0).get("identifiers"));
  }

  @Test
  void whatHasNoSegmentEquivalentIsRefusedNamingTheField() {
    assertEquals("identifiers.phone", assertThrows(ValidationException.class,
        () -> SegmentCalls.toCalls(Operation.identify(Identifiers.phone("+15551234567"), Map.of()), "s"))
        .violations().get(0).field());
    assertEquals("cio_relationships", assertThrows(ValidationException.class,
        () -> SegmentCalls.toCalls(Operation.objectIdentify(ACME, Map.of(), null), "s")).violations().get(0).field());
  }
}
