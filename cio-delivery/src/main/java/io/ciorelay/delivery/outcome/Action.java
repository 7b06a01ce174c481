package io.ciorelay.delivery.outcome;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to do with the operations of one request after its answer, as decided by
 * {@link OutcomePolicy}. Every action carries the HTTP status (0 when no answer came) and a
 * reason fit for logs and dead letters (never credentials). Immutable.
 */
public sealed interface Action {

  /** HTTP status of the answer, or 0 when the request got none. */
  int status();

  /** Why, in words: Customer.io's message, or what was wrong with the answer. */
  String reason();

  /** A short lower-case name for metrics tags ({@code delivered}, {@code partial}, ...). */
  String tag();

  /** Every operation was accepted: acknowledge all. */
  record Acknowledge(int status) implements Action {
    @Override
    public String reason() {
      return "accepted";
    }

    @Override
    public String tag() {
      return "delivered";
    }
  }

  /**
   * Customer.io accepted some operations and refused others one by one (a 207, or a 200 carrying
   * {@code errors}): acknowledge {@code acknowledged}, dead-letter {@code refused} with their reasons.
   *
   * @param acknowledged 0-based indexes of the accepted operations, ascending
   * @param refused      the refused operations, ascending by index, one entry each
   */
  record Partial(int status, List<Integer> acknowledged, List<Refusal> refused) implements Action {
    public Partial {
      acknowledged = List.copyOf(acknowledged);
      refused = List.copyOf(refused);
    }

    @Override
    public String reason() {
      return refused.size() + " of " + (acknowledged.size() + refused.size()) + " operations refused";
    }

    @Override
    public String tag() {
      return "partial";
    }
  }

  /** One operation Customer.io refused, by its 0-based index in the request, with Customer.io's words. */
  record Refusal(int index, String reason) {
    public Refusal {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Customer.io refused the request as a whole but it carried more than one operation, or it
   * reported errors without saying which operation: send the two halves (first half first), so
   * the refused operation ends up alone. Not a breaker failure.
   */
  record Split(int status, String reason) implements Action {
    @Override
    public String tag() {
      return "split";
    }
  }

  /** Customer.io refused the request's only operation: dead-letter it with this reason. */
  record DeadLetter(int status, String reason) implements Action {
    @Override
    public String tag() {
      return "refused";
    }
  }

  /**
   * A passing failure (408, 5xx other than 501/505/511, a network error, a timeout): send the same
   * operations again after a back-off at least as long as {@code delayHint} (the server's
   * {@code Retry-After}, if any).
   *
   * @param countsAsBreakerFailure whether the circuit breaker records this as a failed call
   * @param timeout                whether the request ran out of time (no complete answer by its deadline)
   */
  record RetryAfter(int status, Optional<Duration> delayHint, boolean countsAsBreakerFailure, boolean timeout,
      String reason) implements Action {
    public RetryAfter {
      Objects.requireNonNull(delayHint, "delayHint");
    }

    @Override
    public String tag() {
      return timeout ? "timeout" : "retry";
    }
  }

  /** 429: pause every sender of the workspace for at least {@code retryAfter} (if given), then re-send. */
  record PauseRateLimit(Optional<Duration> retryAfter, String reason) implements Action {
    public PauseRateLimit {
      Objects.requireNonNull(retryAfter, "retryAfter");
    }

    @Override
    public int status() {
      return 429;
    }

    @Override
    public String tag() {
      return "rate_limited";
    }
  }

  /** 401/403: the credentials are refused; pause the workspace, keep every operation. */
  record PauseCredentials(int status, String reason) implements Action {
    @Override
    public String tag() {
      return "auth";
    }
  }

  /**
   * The answer says the endpoint or the configuration is wrong, not that an operation was refused
   * (3xx, 404, 405, a whole-request 413, 501, 505, 511, or a body that is not Customer.io's):
   * pause the workspace, keep every operation, probe again later. The reason names the status and the URL.
   */
  record PauseEndpoint(int status, String reason) implements Action {
    @Override
    public String tag() {
      return "endpoint";
    }
  }
}
