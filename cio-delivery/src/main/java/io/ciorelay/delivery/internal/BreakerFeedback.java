package io.ciorelay.delivery.internal;

import io.ciorelay.delivery.outcome.Action;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.TimeUnit;

/**
 * Tells the circuit breaker what a request's outcome means for it, the same for queued and direct
 * delivery: an answer Customer.io gave about the operations (delivered, refused, split) is a
 * success; a retryable failure the policy counts against the breaker is an error; a pause (429,
 * credentials, endpoint) or another retryable failure gives the permission back uncounted.
 * Stateless and thread-safe.
 */
public final class BreakerFeedback {
  private BreakerFeedback() {}

  /**
   * Records {@code action} on {@code breaker}, which gave the permission for the request.
   *
   * @param elapsedNanos how long the exchange took
   * @param error the request's failure, or null if it got an answer
   */
  public static void record(CircuitBreaker breaker, Action action, long elapsedNanos, Throwable error) {
    if (action instanceof Action.Acknowledge || action instanceof Action.Partial
        || action instanceof Action.Split || action instanceof Action.DeadLetter) {
      breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
    } else if (action instanceof Action.RetryAfter r && r.countsAsBreakerFailure()) {
      breaker.onError(elapsedNanos, TimeUnit.NANOSECONDS,
          error != null ? error : new RuntimeException("HTTP " + r.status()));
    } else {
      breaker.releasePermission();
    }
  }
}
