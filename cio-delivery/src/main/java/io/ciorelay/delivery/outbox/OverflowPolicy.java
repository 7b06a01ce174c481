package io.ciorelay.delivery.outbox;

/** What {@link Outbox#append} does when the store is at its cap. */
public enum OverflowPolicy {
  /** Refuse the new entry at once with {@link AppendResult.Reason#FULL} (default; counted by the caller). */
  REJECT,
  /** Wait up to the configured block timeout for room, then refuse with {@link AppendResult.Reason#FULL}. */
  BLOCK
}
