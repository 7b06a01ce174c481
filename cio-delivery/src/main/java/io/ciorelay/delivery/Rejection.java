package io.ciorelay.delivery;

import io.ciorelay.client.Violation;
import java.util.List;

/**
 * Why an operation was not accepted.
 *
 * @param reason     the kind of refusal (also the {@code reason} tag of the rejected-operations counter)
 * @param message    a specific explanation naming the field or limit
 * @param violations the limit violations, for {@link Reason#INVALID}; empty otherwise
 */
public record Rejection(Reason reason, String message, List<Violation> violations) {

  /** The kinds of refusal. */
  public enum Reason {
    /** The operation breaks a documented Customer.io limit or is malformed. */
    INVALID,
    /** The outbox is at its operations or bytes cap. */
    FULL,
    /** The library is shutting down or closed. */
    CLOSED,
    /** The outbox cannot write (disk error). */
    FAILED;

    /** Lower-case name used as a metric tag. */
    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
