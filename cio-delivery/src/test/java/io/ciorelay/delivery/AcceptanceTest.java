package io.ciorelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.Event;
import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What is accepted, stamped and encoded before anything is stored, on a fake clock. */
class AcceptanceTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final DeliveryMetrics metrics = new DeliveryMetrics(new SimpleMeterRegistry(), "test");
  private final IdentifyGuard guard = IdentifyGuard.create(Duration.ofMinutes(1), 100, clock::nanos);
  private final Acceptance acceptance = new Acceptance(clock, guard, new Rejections(metrics), metrics);

  private static Rejection.Reason reason(Acceptance.Verdict v) {
    return v.receipt().rejection().reason();
  }

  @Test
  void anEventIsStampedWithAnIdAndTheClocksTimeAndEncodedForTheBatch() {
    Acceptance.Verdict v = acceptance.operation(() -> Operation.event(Identifiers.id("p"), "signup", Map.of()));
    assertNull(v.receipt());
    assertEquals(EntryKind.V2_OPERATION, v.entry().kind());
    assertEquals(clock.millis(), v.entry().acceptedAtMillis());
    String json = new String(v.entry().payload(), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"id\":\"" + v.eventId() + "\""), json);
    assertTrue(json.contains("\"timestamp\":" + clock.millis() / 1000), json);
  }

  @Test
  void givenIdsAndTimestampsAreKept() {
    Operation op = Operation.event(Identifiers.id("p"), "e", Map.of()).withId("01J0000000000000000000000A").withTimestamp(42L);
    Operation stamped = acceptance.stamp(op);
    assertEquals("01J0000000000000000000000A", stamped.id());
    assertEquals(42L, stamped.timestamp());
  }

  @Test
  void aBadOperationIsRejectedWithTheReasonNotThrown() {
    assertEquals(Rejection.Reason.INVALID, reason(acceptance.operation(() -> null)));
    assertEquals(Rejection.Reason.INVALID, reason(acceptance.operation(() -> {
      throw new IllegalArgumentException("person id must not be blank");
    })));
    Acceptance.Verdict tooLong = acceptance.operation(() -> Operation.event(Identifiers.id("p"), "x".repeat(1000), Map.of()));
    assertEquals(Rejection.Reason.INVALID, reason(tooLong));
    assertTrue(tooLong.receipt().rejection().message().contains("name"), tooLong.receipt().rejection().message());
  }

  @Test
  void onceClosedEveryOperationIsRejectedAsClosed() {
    acceptance.stopAccepting();
    assertEquals(Rejection.Reason.CLOSED, reason(acceptance.operation(() -> Operation.delete(Identifiers.id("p")))));
    assertEquals(Rejection.Reason.CLOSED, reason(acceptance.anonymous("a", Event.builder("e").build())));
  }

  @Test
  void anIdentifyTheGuardRemembersIsSkipped() {
    Acceptance.Verdict first = acceptance.operation(() -> Operation.identify(Identifiers.id("p"), Map.of("a", 1)));
    guard.remember(first.guard());
    Acceptance.Verdict again = acceptance.operation(() -> Operation.identify(Identifiers.id("p"), Map.of("a", 1)));
    assertEquals(Receipt.Status.SKIPPED, again.receipt().status());
  }

  @Test
  void anAnonymousEventKeepsItsIdAndNamesItsAnonymousId() {
    Acceptance.Verdict v = acceptance.anonymous("anon-1", Event.builder("viewed").id("01J0000000000000000000000B").build());
    assertEquals(EntryKind.V1_ANONYMOUS_EVENT, v.entry().kind());
    assertEquals("anon:anon-1", v.entry().personKey());
    assertEquals("01J0000000000000000000000B", v.eventId());
    String json = new String(v.entry().payload(), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"anonymous_id\":\"anon-1\""), json);
    assertEquals(Rejection.Reason.INVALID, reason(acceptance.anonymous(" ", Event.builder("viewed").build())));
  }
}
