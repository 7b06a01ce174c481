package io.ciorelay.delivery.internal;

import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.outbox.DeadLetterRequest;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.StoredEntry;
import io.ciorelay.delivery.outcome.Action;
import io.ciorelay.delivery.retry.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out what the {@link io.ciorelay.delivery.outcome.OutcomePolicy} decided about one
 * request of a lane: acknowledges and dead-letters in the store, records a failure and schedules
 * the retry (or dead-letters the batch once the retry budget is spent), bisects, or pauses the
 * workspace; then updates health, metrics and receipt watchers. A lane whose results go to the
 * store stays busy until they commit, so its next read starts after them; if the store fails, the
 * batch stays at the head of the lane and is re-sent after a backoff (same event ids).
 *
 * <p>Flush support: every result handed to the store gets a ticket before the store can commit
 * it; {@link #resultsSettledBelow()} tells when all results below a ticket are applied.
 *
 * <p>Not thread-safe: confined to the dispatcher thread. Store completions come back through the
 * {@code dispatcherThread} executor; the counters are published through volatiles for any thread.
 */
final class OutcomeApplier {
  /** The lane loop's logger, as before the results were their own part. */
  private static final Logger log = LoggerFactory.getLogger(LaneScheduler.class);
  /** Attempts beyond this do not lengthen a 429 or store-failure backoff any more. */
  private static final int MAX_BACKOFF_STEP = 10;

  private final String workspace;
  private final Outbox outbox;
  private final WorkspacePauses pauses;
  private final Backoff backoff;
  private final DeliveryMetrics metrics;
  private final HealthTracker health;
  private final DeliveryTracker tracker;
  private final Clock clock;
  private final Executor dispatcherThread;

  private volatile long delivered;
  private volatile long deadLettered;
  /** Results handed to the store whose commit has not been applied yet. */
  private volatile int finishing;
  private long issued;
  private final TreeSet<Long> outstanding = new TreeSet<>();
  private volatile long issuedPublished;
  private volatile long settledBelow;

  OutcomeApplier(String workspace, Outbox outbox, WorkspacePauses pauses, Backoff backoff, DeliveryMetrics metrics,
      HealthTracker health, DeliveryTracker tracker, Clock clock, Executor dispatcherThread) {
    this.workspace = workspace;
    this.outbox = outbox;
    this.pauses = pauses;
    this.backoff = backoff;
    this.metrics = metrics;
    this.health = health;
    this.tracker = tracker;
    this.clock = clock;
    this.dispatcherThread = dispatcherThread;
  }

  /** Operations acknowledged on disk so far. Any thread. */
  long delivered() {
    return delivered;
  }

  /** Operations dead-lettered on disk so far. Any thread. */
  long deadLettered() {
    return deadLettered;
  }

  /** Results handed to the store and not yet applied after their commit. Any thread. */
  int settling() {
    return finishing;
  }

  /** Tickets handed out so far: every result handed to the store until now has a smaller one. Any thread. */
  long resultsIssued() {
    return issuedPublished;
  }

  /** Every result with a ticket below this is applied (health, metrics, watchers updated). Any thread. */
  long resultsSettledBelow() {
    return settledBelow;
  }

  /** Carries out {@code action}, decided at {@code nowMillis} about {@code batch}, the head of {@code lane}, whose request is over. */
  void apply(Lane lane, Batch batch, Action action, long nowMillis) {
    if (action instanceof Action.Acknowledge) {
      finish(lane, batch, batch.seqs(), List.of(), "delivered");
    } else if (action instanceof Action.Partial p) {
      List<DeadLetterRequest> dls = new ArrayList<>();
      for (Action.Refusal r : p.refused()) {
        StoredEntry e = batch.entries.get(r.index());
        dls.add(new DeadLetterRequest(e.seq(), r.reason(), p.status(), e.attempts() + 1));
      }
      long[] good = new long[p.acknowledged().size()];
      for (int i = 0; i < good.length; i++) {
        good[i] = batch.entries.get(p.acknowledged().get(i)).seq();
      }
      finish(lane, batch, good, dls, "partial");
    } else if (action instanceof Action.Split) {
      // Bisect to isolate the operation(s) Customer.io refuses; halves go out in order.
      lane.splitHead();
      health.success(0);
    } else if (action instanceof Action.DeadLetter d) {
      StoredEntry e = batch.head();
      finish(lane, batch, new long[0],
          List.of(new DeadLetterRequest(e.seq(), d.reason(), d.status(), e.attempts() + 1)), "refused");
    } else if (action instanceof Action.PauseCredentials || action instanceof Action.PauseEndpoint) {
      // Nothing was refused: the credentials or the endpoint are wrong. Keep every operation.
      pauses.refused(action, nowMillis);
      lane.free(0);
    } else if (action instanceof Action.PauseRateLimit rl) {
      metrics.rateLimitPause();
      metrics.retried(batch.entries.size());
      batch.rateLimited++;
      Duration wait = backoff.delay(Math.min(batch.rateLimited, MAX_BACKOFF_STEP), rl.retryAfter());
      pauses.rateLimited(nowMillis + wait.toMillis());
      lane.free(0);
    } else if (action instanceof Action.RetryAfter r) {
      retry(lane, batch, r, nowMillis);
    } else {
      throw new IllegalStateException("unknown action " + action);
    }
  }

  private void retry(Lane lane, Batch batch, Action.RetryAfter r, long now) {
    if (r.timeout()) {
      health.timeout(r.reason());
    } else {
      health.failure(r.reason());
    }
    batch.attempts++;
    if (batch.firstFailure == 0) {
      batch.firstFailure = now;
    }
    outbox.recordFailure(batch.seqs(), now, r.reason());
    if (backoff.budgetSpent(batch.attempts, batch.firstFailure, now)) {
      List<DeadLetterRequest> dls = new ArrayList<>();
      String reason = "retry budget spent after " + batch.attempts + " attempts; last error: " + r.reason();
      for (StoredEntry e : batch.entries) {
        dls.add(new DeadLetterRequest(e.seq(), reason, r.status(), batch.attempts));
      }
      finish(lane, batch, new long[0], dls, "budget");
    } else {
      metrics.retried(batch.entries.size());
      lane.free(now + backoff.delay(batch.attempts, r.delayHint()).toMillis());
    }
  }

  private void publishSettled() {
    issuedPublished = issued;
    settledBelow = outstanding.isEmpty() ? issued : outstanding.first();
  }

  /**
   * Acknowledges {@code acked}, dead-letters {@code dls}, and frees the lane once both commit.
   * If the store fails, the lane is freed anyway: the entries stay pending and are re-sent
   * (events keep their ids, so Customer.io drops the repeat).
   */
  private void finish(Lane lane, Batch batch, long[] acked, List<DeadLetterRequest> dls, String how) {
    // The ticket is published before the store can commit, so a flush that sees the commit waits for it.
    finishing++;
    long ticket = issued++;
    outstanding.add(ticket);
    publishSettled();
    CompletableFuture<Void> a;
    CompletableFuture<Void> d;
    try {
      a = acked.length == 0 ? CompletableFuture.completedFuture(null) : outbox.ack(acked);
      d = dls.isEmpty() ? CompletableFuture.completedFuture(null) : outbox.deadLetter(dls);
    } catch (RuntimeException e) {
      finishing--;
      outstanding.remove(ticket);
      publishSettled();
      throw e;
    }
    CompletableFuture.allOf(a, d).whenComplete((ok, err) -> dispatcherThread.execute(() -> {
      try {
        if (err != null) {
          storeFailed(lane, batch, acked, dls, a, d, err);
        } else {
          committed(lane, acked, dls, how);
        }
      } finally {
        finishing--;
        outstanding.remove(ticket);
        publishSettled();
      }
    }));
  }

  /**
   * The results are not on disk. Keep the batch at the head of the lane (order kept) and back
   * off: a failed store refuses every write, so this lane waits instead of re-sending at the full
   * rate; once the store works again the batch is re-sent with the same ids.
   */
  private void storeFailed(Lane lane, Batch batch, long[] acked, List<DeadLetterRequest> dls,
      CompletableFuture<Void> a, CompletableFuture<Void> d, Throwable err) {
    log.error("outbox failed to record delivery results for workspace {}", workspace, err);
    health.storeFailure(String.valueOf(err.getMessage()));
    batch.storeFailures++;
    lane.free(clock.millis()
        + backoff.delay(Math.min(batch.storeFailures, MAX_BACKOFF_STEP), Optional.empty()).toMillis());
    if (tracker.hasWatches()) {
      if (!a.isCompletedExceptionally()) {
        completeWatches(acked, List.of());
      }
      if (!d.isCompletedExceptionally()) {
        completeWatches(new long[0], dls);
      }
    }
  }

  private void committed(Lane lane, long[] acked, List<DeadLetterRequest> dls, String how) {
    health.storeRecovered();
    delivered += acked.length;
    deadLettered += dls.size();
    metrics.delivered(acked.length);
    boolean budget = "budget".equals(how);
    if (!dls.isEmpty()) {
      metrics.deadLettered(budget ? "budget" : "refused", dls.size());
      for (DeadLetterRequest r : dls) {
        log.warn("dead-lettered operation seq={} of workspace {}: status {}: {}", r.seq(), workspace,
            r.lastStatus(), r.reason());
      }
    }
    if (acked.length > 0 || !budget) {
      health.success(acked.length);
    }
    if (tracker.hasWatches()) {
      completeWatches(acked, dls);
    }
    lane.resolveHead();
  }

  private void completeWatches(long[] acked, List<DeadLetterRequest> dls) {
    for (long s : acked) {
      tracker.complete(s, new DeliveryTracker.Outcome(true, null));
    }
    for (DeadLetterRequest r : dls) {
      tracker.complete(r.seq(), new DeliveryTracker.Outcome(false, r.reason()));
    }
  }
}
