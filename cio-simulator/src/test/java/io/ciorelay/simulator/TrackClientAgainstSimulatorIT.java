package io.ciorelay.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.AccountRegion;
import io.ciorelay.client.BatchResult;
import io.ciorelay.client.CioApiException;
import io.ciorelay.client.Credentials;
import io.ciorelay.client.Device;
import io.ciorelay.client.Event;
import io.ciorelay.client.EventType;
import io.ciorelay.client.IdentifierType;
import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.client.TrackClient;
import io.ciorelay.client.TrackClientConfig;
import io.ciorelay.client.ValidationException;
import io.ciorelay.simulator.RecordedOperation.Action;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every call of the typed Java client against the simulator, asserting what the simulator recorded. */
class TrackClientAgainstSimulatorIT {

  @RegisterExtension
  static final CioSimulatorExtension SIM = CioSimulatorExtension.create(b -> b.rateLimit(0));

  TrackClient client;

  @BeforeEach
  void open() {
    client = TrackClient.create(TrackClientConfig.builder()
        .credentials(Credentials.of(SIM.simulator().siteId(), SIM.simulator().apiKey()))
        .baseUrl(URI.create(SIM.baseUrl()))
        .build());
  }

  @AfterEach
  void close() {
    client.close();
  }

  private static RecordedOperation only(Action action) {
    List<RecordedOperation> ops = SIM.records().where(o -> o.action() == action);
    assertEquals(1, ops.size(), "recorded " + action + ": " + ops);
    return ops.get(0);
  }

  @Test
  void everyV1Call() {
    client.identify("u 1/ä", Map.of("plan", "pro"));
    assertEquals("u 1/ä", only(Action.IDENTIFY).identifierValue());
    assertTrue(only(Action.IDENTIFY).attributesJson().contains("\"plan\":\"pro\""));

    client.track("u1", Event.builder("purchase").data(Map.of("sku", "a")).id("01JD3Z8Q6W1X7Y2V9T4R5S6P0M")
        .timestamp(1_700_000_000L).build());
    RecordedOperation ev = only(Action.EVENT);
    assertEquals("purchase", ev.name());
    assertEquals("01JD3Z8Q6W1X7Y2V9T4R5S6P0M", ev.eventId());
    assertEquals(1_700_000_000L, ev.timestamp());

    client.track("u1", Event.builder("/pricing").type(EventType.PAGE).build());
    assertEquals("/pricing", only(Action.PAGE).name());
    client.track("u1", Event.builder("Home").type(EventType.SCREEN).build());
    assertEquals("Home", only(Action.SCREEN).name());

    client.trackAnonymous("anon-9", Event.builder("visited").data(Map.of("x", 1)).build());
    assertEquals(2, SIM.records().where(o -> o.action() == Action.EVENT).size());
    assertTrue(SIM.records().events("visited").get(0).identifierValue().contains("anon-9"));

    client.addDevice("u1", Device.builder("tok-1", "ios").lastUsed(1_700_000_000L).build());
    assertEquals("tok-1", only(Action.ADD_DEVICE).deviceToken());
    client.deleteDevice("u1", "tok-1");
    assertEquals("tok-1", only(Action.DELETE_DEVICE).deviceToken());

    client.suppress("u2");
    assertEquals("u2", only(Action.SUPPRESS).identifierValue());
    client.unsuppress("u2");
    assertEquals("u2", only(Action.UNSUPPRESS).identifierValue());
    client.mergeCustomers(IdentifierType.ID, "u1", IdentifierType.EMAIL, "old@example.com");
    RecordedOperation merge = only(Action.MERGE);
    assertEquals("u1", merge.identifierValue());
    assertEquals("old@example.com", merge.secondary().value());
    client.delete("u3");
    assertEquals("u3", only(Action.DELETE).identifierValue());

    AccountRegion region = client.accountRegion();
    assertEquals("us", region.region());
    assertEquals(11, SIM.records().count());
  }

  @Test
  void everyV2PersonActionInOneBatchAndThroughEntity() {
    Identifiers who = Identifiers.id("v2-person");
    List<Operation> ops = List.of(
        Operation.identify(who, Map.of("plan", "pro")),
        Operation.event(who, "purchase", Map.of("sku", "x")).withId("01JD3Z8Q6W1X7Y2V9T4R5S6P1A").withTimestamp(1_700_000_001L),
        Operation.page(who, "/home", Map.of()),
        Operation.screen(who, "Settings", Map.of()),
        Operation.addDevice(who, Device.builder("tok-2", "android").build()),
        Operation.deleteDevice(who, "tok-2"),
        Operation.addRelationships(who, List.of(Map.of("identifiers", Map.of("object_type_id", "1", "object_id", "acme")))),
        Operation.deleteRelationships(who, List.of(Map.of("identifiers", Map.of("object_type_id", "1", "object_id", "acme")))),
        Operation.suppress(who),
        Operation.unsuppress(who),
        Operation.merge(who, Identifiers.email("dup@example.com")),
        Operation.delete(who));
    BatchResult r = client.batch(ops);
    assertTrue(r.allAccepted(), r.toString());
    List<RecordedOperation> recorded = SIM.records().forPerson("v2-person");
    assertEquals(List.of(Action.IDENTIFY, Action.EVENT, Action.PAGE, Action.SCREEN, Action.ADD_DEVICE,
        Action.DELETE_DEVICE, Action.ADD_RELATIONSHIPS, Action.DELETE_RELATIONSHIPS, Action.SUPPRESS,
        Action.UNSUPPRESS, Action.MERGE, Action.DELETE), recorded.stream().map(RecordedOperation::action).toList());
    assertTrue(recorded.stream().allMatch(RecordedOperation::v2));
    assertEquals("01JD3Z8Q6W1X7Y2V9T4R5S6P1A", recorded.get(1).eventId());

    client.entity(Operation.event(Identifiers.email("e@example.com"), "signup", Map.of()));
    assertEquals(1, SIM.records().events("signup").size());
  }

  @Test
  void simulatorErrorsSurfaceAsTheClientsErrorModel() {
    TrackClient wrong = TrackClient.create(TrackClientConfig.builder()
        .credentials(Credentials.of(SIM.simulator().siteId(), "not-the-key"))
        .baseUrl(URI.create(SIM.baseUrl())).build());
    CioApiException e = assertThrows(CioApiException.class, () -> wrong.identify("u1", Map.of()));
    assertEquals(401, e.status());
    assertFalse(e.retryable());
    assertFalse(e.getMessage().contains("not-the-key"));
    wrong.close();

    SIM.faults().enqueue(ScriptedResponse.of(429).withHeader("Retry-After", "3"));
    CioApiException limited = assertThrows(CioApiException.class, () -> client.identify("u1", Map.of()));
    assertEquals(429, limited.status());
    assertTrue(limited.retryable());
    assertEquals(java.time.Duration.ofSeconds(3), limited.retryAfter().orElseThrow());

    // A batch with one operation the simulator refuses: 207 with its index, the others recorded.
    SIM.faults().poison("poison", Faults.PoisonMode.OPERATION);
    BatchResult partial = client.batch(List.of(
        Operation.identify(Identifiers.id("b1"), Map.of("ok", 1)),
        Operation.identify(Identifiers.id("b2"), Map.of("poison", 1)),
        Operation.identify(Identifiers.id("b3"), Map.of("ok", 1))));
    assertEquals(207, partial.status());
    assertEquals(1, partial.errors().size());
    assertEquals(1, partial.errors().get(0).batchIndex());
    assertEquals(2, SIM.records().count(Action.IDENTIFY));

    // The client refuses over-limit input before sending anything.
    long before = SIM.stats().totalRequests();
    assertThrows(ValidationException.class, () -> client.track("u1", Event.builder("n".repeat(101)).build()));
    assertEquals(before, SIM.stats().totalRequests());
  }
}
