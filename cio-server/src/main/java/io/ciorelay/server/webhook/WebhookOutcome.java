package io.ciorelay.server.webhook;

/**
 * What the consumer's answer to one forwarded event means, as one pure function: delivered, retry
 * (the attempt counts toward {@link WebhookConfig#maxAttempts()}), dead-letter (the last attempt of
 * the budget failed), or pause (the event keeps its place and its attempts; the lane waits and
 * tries again, and nothing is dead-lettered meanwhile). Stateless and thread-safe.
 *
 * <p>The table:
 * <ul>
 *   <li>2xx: delivered.</li>
 *   <li>3xx (redirects are not followed), 401, 403, 404, 405, 407, 410, 501, 505, 511 and statuses
 *       outside 100..599: pause. These say the forward URL or its credentials are wrong, not that
 *       the event was refused; spending the attempt budget on them would dead-letter the whole
 *       backlog while the URL is being fixed.</li>
 *   <li>429: pause (the consumer asks for less, not for this event to be given up).</li>
 *   <li>Any other status, and no answer (connection refused or reset, timeout): retry, or
 *       dead-letter on the attempt that spends the budget, with the last failure as the reason.</li>
 * </ul>
 *
 * <p>Why not {@link io.ciorelay.delivery.outcome.OutcomePolicy}: that policy reads Customer.io's
 * answers to batches of operations (a {@code 207} with {@code errors} and {@code batch_index}, a
 * Customer.io error body telling a refused operation from a proxy's error page, bisection). The
 * consumer is the user's own endpoint: one event per request, no body contract, so every 4xx would
 * read as "not Customer.io's answer". This function keeps the policy's rule for what says the
 * endpoint is wrong and leaves the rest to the attempt budget.
 */
final class WebhookOutcome {
  private WebhookOutcome() {}

  /** The kinds of decision. */
  enum Kind {
    DELIVERED,
    RETRY,
    DEAD_LETTER,
    PAUSE
  }

  /** A decision and why (the reason is stored with a failure or dead letter, or logged for a pause). */
  record Decision(Kind kind, String reason) {}

  private static final Decision DELIVERED = new Decision(Kind.DELIVERED, null);

  /**
   * Decides what HTTP {@code status} means for attempt number {@code attempt} (1 = the first) of
   * an event allowed {@code maxAttempts}.
   */
  static Decision ofStatus(int status, int attempt, int maxAttempts) {
    if (status >= 200 && status < 300) {
      return DELIVERED;
    }
    if (status == 429) {
      return new Decision(Kind.PAUSE, "HTTP 429: the consumer asks to slow down");
    }
    if (status >= 300 && status < 400) {
      return new Decision(Kind.PAUSE, "HTTP " + status + " (redirects are not followed): the forward URL is wrong");
    }
    if (status == 401 || status == 403 || status == 407) {
      return new Decision(Kind.PAUSE, "HTTP " + status + ": the consumer refuses the forward headers (credentials)");
    }
    if (status == 404 || status == 405 || status == 410 || status == 501 || status == 505 || status == 511
        || status < 100 || status > 599) {
      return new Decision(Kind.PAUSE, "HTTP " + status + ": the forward URL is wrong");
    }
    return ofFailure("HTTP " + status, attempt, maxAttempts);
  }

  /** Decides what a failed attempt ({@code error}: a status or no answer) means: retry, or dead-letter once the budget is spent. */
  static Decision ofFailure(String error, int attempt, int maxAttempts) {
    if (attempt >= maxAttempts) {
      return new Decision(Kind.DEAD_LETTER, error + " (gave up after " + attempt + " attempts)");
    }
    return new Decision(Kind.RETRY, error);
  }
}
