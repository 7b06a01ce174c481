package io.ciorelay.delivery;

import io.ciorelay.delivery.internal.DeliveryTracker;
import io.ciorelay.delivery.internal.HealthTracker;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.outbox.AppendResult;
import io.ciorelay.delivery.outbox.Outbox;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands an accepted operation to the outbox and turns the store's answer into the caller's
 * {@link Receipt}: refused (full, closed, failed) at once, or accepted with its commit and a
 * delivery watch. It also keeps what flush and close need of appends: the count accepted and the
 * commit of the last append.
 *
 * <p>Thread-safe: called from any application thread; the counter is atomic and the last commit
 * volatile (appends race, but the outbox's sequence follows its append order, and any append's
 * commit is enough for flush to know where acceptance stood).
 */
final class Appender {
  private final Outbox outbox;
  private final IdentifyGuard guard;
  private final Rejections rejections;
  private final HealthTracker health;
  private final DeliveryMetrics metrics;
  private final DeliveryTracker tracker;
  private final Executor storeReads;
  private final AtomicLong accepted = new AtomicLong();
  private volatile CompletableFuture<Long> lastAppend = CompletableFuture.completedFuture(0L);

  /**
   * @param storeReads where a receipt's delivery watch reads the store: never the store's own
   *     thread that completed the commit (the SQLite writer or the Redis event loop must not block
   *     on their own store)
   */
  Appender(Outbox outbox, IdentifyGuard guard, Rejections rejections, HealthTracker health, DeliveryMetrics metrics,
      DeliveryTracker tracker, Executor storeReads) {
    this.outbox = outbox;
    this.guard = guard;
    this.rejections = rejections;
    this.health = health;
    this.metrics = metrics;
    this.tracker = tracker;
    this.storeReads = storeReads;
  }

  /** Operations accepted by the store so far. */
  long accepted() {
    return accepted.get();
  }

  /** The commit of the most recent append (its sequence number), completed at once if none. */
  CompletableFuture<Long> lastAppend() {
    return lastAppend;
  }

  /** The receipt of {@code verdict}: the one it holds if decided, else the outcome of appending its entry. */
  Receipt append(Acceptance.Verdict verdict) {
    if (verdict.isDecided()) {
      return verdict.receipt();
    }
    IdentifyGuard.Entry remembered = verdict.guard();
    // Remembered from acceptance, so an identical identify right behind it is skipped; forgotten
    // again if the append or its commit fails, before the receipt reports the failure.
    guard.remember(remembered);
    AppendResult r = outbox.append(verdict.entry());
    if (!r.isAccepted()) {
      guard.forget(remembered);
      Rejection.Reason reason = switch (r.reason()) {
        case FULL -> Rejection.Reason.FULL;
        case CLOSED -> Rejection.Reason.CLOSED;
        case FAILED -> Rejection.Reason.FAILED;
      };
      if (reason == Rejection.Reason.FAILED) {
        health.storeFailure(r.message());
      }
      return rejections.reject(reason, r.message());
    }
    accepted.incrementAndGet();
    metrics.accepted();
    CompletableFuture<Long> committed = remembered == null ? r.committed()
        : r.committed().whenComplete((seq, err) -> {
          if (err != null) {
            guard.forget(remembered);
          }
        });
    lastAppend = committed;
    if (health.storeFailing()) {
      committed.thenRun(health::storeRecovered);
    }
    return Receipt.accepted(verdict.eventId(), committed, () -> committed
        .thenComposeAsync(tracker::watch, storeReads)
        .handle((o, err) -> err != null
            ? new DeliveryOutcome(DeliveryOutcome.Status.NOT_STORED, "commit failed: " + err.getMessage())
            : o.delivered() ? DeliveryOutcome.DELIVERED
                : new DeliveryOutcome(DeliveryOutcome.Status.DEAD_LETTERED, o.reason())));
  }
}
