package io.ciorelay.server.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ciorelay.server.webhook.WebhookOutcome.Kind;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each consumer answer means, as a table. */
class WebhookOutcomeTest {
  private static final int MAX = 5;

  @Test
  void eachStatusOnAnAttemptWithBudgetLeft() {
    Map<Integer, Kind> table = new LinkedHashMap<>();
    table.put(200, Kind.DELIVERED);
    table.put(202, Kind.DELIVERED);
    table.put(204, Kind.DELIVERED);
    table.put(301, Kind.PAUSE);
    table.put(302, Kind.PAUSE);
    table.put(307, Kind.PAUSE);
    table.put(401, Kind.PAUSE);
    table.put(403, Kind.PAUSE);
    table.put(404, Kind.PAUSE);
    table.put(405, Kind.PAUSE);
    table.put(407, Kind.PAUSE);
    table.put(410, Kind.PAUSE);
    table.put(429, Kind.PAUSE);
    table.put(501, Kind.PAUSE);
    table.put(505, Kind.PAUSE);
    table.put(511, Kind.PAUSE);
    table.put(99, Kind.PAUSE);
    table.put(600, Kind.PAUSE);
    table.put(400, Kind.RETRY);
    table.put(408, Kind.RETRY);
    table.put(409, Kind.RETRY);
    table.put(413, Kind.RETRY);
    table.put(422, Kind.RETRY);
    table.put(500, Kind.RETRY);
    table.put(502, Kind.RETRY);
    table.put(503, Kind.RETRY);
    table.put(504, Kind.RETRY);
    table.forEach((status, kind) ->
        assertEquals(kind, WebhookOutcome.ofStatus(status, 1, MAX).kind(), "HTTP " + status));
  }

  @Test
  void theAttemptThatSpendsTheBudgetDeadLettersWithTheLastFailure() {
    assertEquals(Kind.RETRY, WebhookOutcome.ofStatus(500, MAX - 1, MAX).kind());
    WebhookOutcome.Decision d = WebhookOutcome.ofStatus(500, MAX, MAX);
    assertEquals(Kind.DEAD_LETTER, d.kind());
    assertEquals("HTTP 500 (gave up after 5 attempts)", d.reason());
    assertEquals(new WebhookOutcome.Decision(Kind.DEAD_LETTER, "ConnectException: refused (gave up after 5 attempts)"),
        WebhookOutcome.ofFailure("ConnectException: refused", MAX, MAX));
    assertEquals(Kind.RETRY, WebhookOutcome.ofFailure("HttpTimeoutException: timed out", 1, MAX).kind());
  }

  @Test
  void aPauseNeverSpendsTheBudget() {
    assertEquals(Kind.PAUSE, WebhookOutcome.ofStatus(404, MAX, MAX).kind(), "even on the last attempt");
    assertEquals(Kind.PAUSE, WebhookOutcome.ofStatus(429, MAX + 10, MAX).kind());
    assertEquals(Kind.DELIVERED, WebhookOutcome.ofStatus(200, MAX + 10, MAX).kind());
  }
}
