package io.ciorelay.delivery.outbox;

import java.util.concurrent.CompletableFuture;

/**
 * What {@link Outbox#append} did with an entry: accepted (with a future for the commit) or
 * rejected (with the reason and a message naming the limit).
 */
public final class AppendResult {

  /** Why an append was refused. */
  public enum Reason {
    /** The pending-operations or pending-bytes cap is reached (and BLOCK timed out, if chosen). */
    FULL,
    /** The store no longer accepts appends (shutting down or closed). */
    CLOSED,
    /** The store cannot write (disk error); the message says why. */
    FAILED
  }

  private final CompletableFuture<Long> committed;
  private final Reason reason;
  private final String message;

  private AppendResult(CompletableFuture<Long> committed, Reason reason, String message) {
    this.committed = committed;
    this.reason = reason;
    this.message = message;
  }

  public static AppendResult accepted(CompletableFuture<Long> committed) {
    return new AppendResult(committed, null, null);
  }

  public static AppendResult rejected(Reason reason, String message) {
    return new AppendResult(null, reason, message);
  }

  public boolean isAccepted() {
    return committed != null;
  }

  /** Completes with the sequence number once committed; null if rejected. */
  public CompletableFuture<Long> committed() {
    return committed;
  }

  /** Null if accepted. */
  public Reason reason() {
    return reason;
  }

  /** Null if accepted; otherwise names the limit, e.g. "outbox is full: 1000000 pending operations (maxPendingOperations=1000000)". */
  public String message() {
    return message;
  }
}
