package io.ciorelay.delivery.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.health.HealthConfig;
import io.ciorelay.delivery.outcome.Action;
import io.ciorelay.delivery.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The workspace's pauses on a fake clock: the operator's, a refused endpoint or credentials, and 429. */
class WorkspacePausesTest {
  private static final Duration AUTH = Duration.ofSeconds(60);
  private static final Duration ENDPOINT = Duration.ofSeconds(30);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final HealthTracker health = new HealthTracker(clock, HealthConfig.defaults());
  private final RecordingLimiter limiter = new RecordingLimiter();
  private final WorkspacePauses pauses = new WorkspacePauses("test", health, limiter, AUTH, ENDPOINT);

  @Test
  void openUntilSomethingPausesIt() {
    assertEquals(0, pauses.closedUntil(clock.millis()));
    assertFalse(pauses.isBlocked());
    assertFalse(pauses.probing());
  }

  @Test
  void theOperatorsPauseHoldsUntilResumeAndShowsInHealth() {
    pauses.pause();
    long now = clock.millis();
    assertEquals(now + WorkspacePauses.PAUSED_POLL_MILLIS, pauses.closedUntil(now));
    assertTrue(pauses.isPaused());
    assertTrue(pauses.isBlocked());
    clock.advance(Duration.ofHours(1));
    assertTrue(pauses.closedUntil(clock.millis()) > 0, "an operator's pause does not run out");
    pauses.resume();
    assertEquals(0, pauses.closedUntil(clock.millis()));
    assertFalse(pauses.isBlocked());
  }

  @Test
  void aRefusedEndpointClosesForOneIntervalThenOneProbeAtATime() {
    long at = clock.millis();
    pauses.refused(new Action.PauseEndpoint(404, "HTTP 404 from http://x/api/v2/batch"), at);
    assertTrue(health.endpointFailing());
    assertEquals(at + ENDPOINT.toMillis(), pauses.closedUntil(at));
    clock.advance(ENDPOINT.minusMillis(1));
    assertEquals(at + ENDPOINT.toMillis(), pauses.closedUntil(clock.millis()), "closed until the interval passes");
    clock.advance(Duration.ofMillis(1));
    assertEquals(0, pauses.closedUntil(clock.millis()));
    assertTrue(pauses.probing(), "still probing until a proper answer");
    assertTrue(pauses.isBlocked());
    health.success(1);
    assertFalse(pauses.probing(), "a proper answer ends the refusal");
  }

  @Test
  void refusedCredentialsWaitTheirOwnInterval() {
    long at = clock.millis();
    pauses.refused(new Action.PauseCredentials(401, "HTTP 401: credentials refused"), at);
    assertTrue(health.authFailing());
    assertEquals(at + AUTH.toMillis(), pauses.closedUntil(at));
  }

  @Test
  void resumeEndsTheWaitForTheNextProbe() {
    long at = clock.millis();
    pauses.refused(new Action.PauseEndpoint(301, "HTTP 301"), at);
    pauses.resume();
    assertEquals(0, pauses.closedUntil(at));
    assertTrue(pauses.probing(), "resume lets a probe go at once; the refusal stands until it is answered");
  }

  @Test
  void a429PausesTheRateLimiterSoEverySenderSharingItWaits() {
    pauses.rateLimited(clock.millis() + 5_000);
    assertEquals(clock.millis() + 5_000, limiter.pausedUntil());
    assertEquals(0, pauses.closedUntil(clock.millis()), "the limiter holds the 429 pause, not the gate");
  }

  @Test
  void onlyARefusalOfCredentialsOrEndpointIsAcceptedAsOne() {
    assertThrows(IllegalArgumentException.class,
        () -> pauses.refused(new Action.PauseRateLimit(Optional.empty(), "429"), clock.millis()));
  }
}
