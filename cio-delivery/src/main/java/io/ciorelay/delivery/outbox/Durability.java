package io.ciorelay.delivery.outbox;

/** When appended entries reach the disk. */
public enum Durability {
  /** Each group of appends is committed (and fsync'd) as soon as the writer takes it; the commit future completes after that. */
  SYNC,
  /** Appends are committed at most every configured interval (no fsync per commit); a crash can lose that window. */
  ASYNC
}
