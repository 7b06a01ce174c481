package io.ciorelay.delivery.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.health.Health;
import io.ciorelay.delivery.health.HealthConfig;
import io.ciorelay.delivery.health.HealthStatus;
import io.ciorelay.delivery.outbox.OutboxStats;
import io.ciorelay.delivery.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final HealthTracker health = new HealthTracker(clock, HealthConfig.defaults());
  private final OutboxStats empty = new OutboxStats(0, 0, -1, 0, 0);

  private Health snapshot(List<String> stalled) {
    return health.snapshot("CLOSED", empty, 0, stalled);
  }

  /** Issue 10, case 1: a lane held by a stalled response reported UP. */
  @Test
  void aStalledLaneIsNeverUp() {
    Health h = snapshot(List.of("lane 3: a request has waited 42 s for an answer, past its 10 s deadline"));
    assertEquals(HealthStatus.DEGRADED, h.status());
    assertTrue(h.reasons().get(0).startsWith("stalled lane 3"), h.reasons().toString());
  }

  @Test
  void aTimeoutKeepsHealthDegradedForAMinute() {
    health.timeout("POST /api/v2/batch timed out (no complete answer within 10 s)");
    Health h = snapshot(List.of());
    assertEquals(HealthStatus.DEGRADED, h.status());
    assertTrue(h.reasons().get(0).contains("1 request(s) timed out"), h.reasons().toString());
    assertEquals(1, h.failures());
    clock.advance(Duration.ofSeconds(59));
    assertEquals(HealthStatus.DEGRADED, snapshot(List.of()).status());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(HealthStatus.UP, snapshot(List.of()).status());
  }

  @Test
  void aWrongEndpointIsDownUntilAProperAnswer() {
    health.endpointFailure("HTTP 404 from POST http://x/api/v2/batch: Not Found");
    Health h = snapshot(List.of());
    assertEquals(HealthStatus.DOWN, h.status());
    assertTrue(h.reasons().get(0).contains("HTTP 404 from POST http://x/api/v2/batch"), h.reasons().toString());
    assertTrue(health.endpointFailing());
    health.success(1);
    assertEquals(HealthStatus.UP, snapshot(List.of()).status());
  }
}
