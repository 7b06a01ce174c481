package io.ciorelay.delivery.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ciorelay.delivery.breaker.BreakerConfig;
import io.ciorelay.delivery.outcome.Action;
import io.ciorelay.delivery.testing.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each outcome tells the breaker, as a table. */
class BreakerFeedbackTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  private record Row(Action action, String recorded) {}

  @Test
  void eachOutcomeIsASuccessAnErrorOrNotCounted() {
    List<Row> table = List.of(
        new Row(new Action.Acknowledge(200), "success"),
        new Row(new Action.Partial(207, List.of(0), List.of(new Action.Refusal(1, "bad"))), "success"),
        new Row(new Action.Split(400, "bad"), "success"),
        new Row(new Action.DeadLetter(400, "bad"), "success"),
        new Row(new Action.RetryAfter(503, Optional.empty(), true, false, "HTTP 503"), "error"),
        new Row(new Action.RetryAfter(408, Optional.empty(), false, false, "HTTP 408"), "none"),
        new Row(new Action.PauseRateLimit(Optional.empty(), "HTTP 429"), "none"),
        new Row(new Action.PauseCredentials(401, "HTTP 401"), "none"),
        new Row(new Action.PauseEndpoint(404, "HTTP 404"), "none"));
    for (Row row : table) {
      CircuitBreaker breaker = BreakerConfig.defaults().newBreaker("t", clock);
      breaker.acquirePermission();
      BreakerFeedback.record(breaker, row.action(), 1_000_000, null);
      CircuitBreaker.Metrics m = breaker.getMetrics();
      String recorded = m.getNumberOfSuccessfulCalls() == 1 ? "success" : m.getNumberOfFailedCalls() == 1 ? "error"
          : "none";
      assertEquals(row.recorded(), recorded, row.action().toString());
    }
  }
}
