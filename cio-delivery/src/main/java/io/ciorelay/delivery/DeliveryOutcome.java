package io.ciorelay.delivery;

/**
 * What finally happened to an accepted operation.
 *
 * @param status  DELIVERED, DEAD_LETTERED, or NOT_STORED (rejected, or its commit failed)
 * @param reason  for DEAD_LETTERED and NOT_STORED, why; null when delivered
 */
public record DeliveryOutcome(Status status, String reason) {

  /** Final states. */
  public enum Status {
    DELIVERED,
    DEAD_LETTERED,
    NOT_STORED
  }

  static final DeliveryOutcome DELIVERED = new DeliveryOutcome(Status.DELIVERED, null);
}
