package io.ciorelay.delivery.outbox;

/**
 * A snapshot of the store.
 *
 * @param pending               entries accepted and not yet acknowledged or dead-lettered (including those
 *                              handed over but not yet committed)
 * @param pendingBytes          sum of their payload sizes
 * @param oldestAcceptedAtMillis acceptance time of the oldest pending entry, or -1 if none
 * @param deadLetters           entries in the dead-letter store
 * @param uncommitted           entries handed over but not yet committed
 * @param warning               a standing condition that does not stop the store but puts what it promises
 *                              at risk (for example: its Redis may evict keys), or null; health reports it
 *                              as DEGRADED with this reason
 */
public record OutboxStats(long pending, long pendingBytes, long oldestAcceptedAtMillis, long deadLetters, long uncommitted,
    String warning) {

  /** A snapshot without a warning. */
  public OutboxStats(long pending, long pendingBytes, long oldestAcceptedAtMillis, long deadLetters, long uncommitted) {
    this(pending, pendingBytes, oldestAcceptedAtMillis, deadLetters, uncommitted, null);
  }
}
