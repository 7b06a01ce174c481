package io.ciorelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.delivery.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The identify dedup guard on a fake ticker. */
class IdentifyGuardTest {
  private static final Duration WINDOW = Duration.ofMinutes(5);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final IdentifyGuard guard = IdentifyGuard.create(WINDOW, 100, clock::nanos);

  private static Operation identify(String person, String plan) {
    return Operation.identify(Identifiers.id(person), Map.of("plan", plan));
  }

  /** Checks {@code op} and, if it may go, remembers it as an append would. */
  private IdentifyGuard.Check accept(Operation op) {
    IdentifyGuard.Check c = guard.check(op, op);
    guard.remember(c.entry());
    return c;
  }

  @Test
  void anIdenticalIdentifyWithinTheWindowIsARepeat() {
    assertFalse(accept(identify("p", "pro")).repeat());
    assertTrue(guard.check(identify("p", "pro"), identify("p", "pro")).repeat());
    assertFalse(guard.check(identify("p", "free"), identify("p", "free")).repeat(), "changed attributes go");
    assertFalse(guard.check(identify("q", "pro"), identify("q", "pro")).repeat(), "another person goes");
  }

  @Test
  void theWindowIsMeasuredOnTheInjectedTicker() {
    accept(identify("p", "pro"));
    clock.advance(WINDOW.minusSeconds(1));
    assertTrue(guard.check(identify("p", "pro"), identify("p", "pro")).repeat());
    clock.advance(Duration.ofSeconds(1));
    assertFalse(guard.check(identify("p", "pro"), identify("p", "pro")).repeat(), "forgotten after the window");
  }

  /** Issue 10, finding 9, at the guard: a failed commit forgets the digest, so the retry is stored. */
  @Test
  void aForgottenIdentifyGoesAgainButANewerOneIsKept() {
    IdentifyGuard.Check first = accept(identify("p", "pro"));
    guard.forget(first.entry());
    assertFalse(guard.check(identify("p", "pro"), identify("p", "pro")).repeat());
    accept(identify("p", "pro"));
    accept(identify("p", "free"));
    guard.forget(first.entry());
    assertTrue(guard.check(identify("p", "free"), identify("p", "free")).repeat(),
        "forgetting an older identify leaves the newer one remembered");
  }

  @Test
  void aDeleteOrAMergeMakesTheNextIdentifyGoEvenIfUnchanged() {
    accept(identify("p", "pro"));
    accept(Operation.delete(Identifiers.id("p")));
    assertFalse(guard.check(identify("p", "pro"), identify("p", "pro")).repeat());
    accept(identify("q", "pro"));
    accept(Operation.merge(Identifiers.id("p"), Identifiers.id("q")));
    assertFalse(guard.check(identify("q", "pro"), identify("q", "pro")).repeat(), "the merged-away secondary");
  }

  @Test
  void aZeroWindowGuardsNothing() {
    IdentifyGuard off = IdentifyGuard.create(Duration.ZERO, 100, clock::nanos);
    IdentifyGuard.Check c = off.check(identify("p", "pro"), identify("p", "pro"));
    off.remember(c.entry());
    assertNull(c.entry());
    assertEquals(IdentifyGuard.Check.GO, off.check(identify("p", "pro"), identify("p", "pro")));
  }
}
