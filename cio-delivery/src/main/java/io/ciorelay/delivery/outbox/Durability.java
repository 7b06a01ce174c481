package io.ciorelay.delivery.outbox;

/** When appended entries reach the disk. */
public enum Durability {
  /** Each group of appends is committed (and fsync'd) as soon as the writer takes it; the commit future completes after that. */
  SYNC,
  /**
   * Appends are committed at most every configured interval, or sooner when a full group is
   * waiting (no fsync per commit); a crash can lose the entries handed over in that window, and an
   * OS crash or power loss can also lose commits not yet checkpointed.
   */
  ASYNC
}
