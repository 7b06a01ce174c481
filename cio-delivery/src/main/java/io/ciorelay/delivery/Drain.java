package io.ciorelay.delivery;

import io.ciorelay.delivery.internal.LaneScheduler;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.OutboxException;
import io.ciorelay.delivery.outbox.OutboxStats;
import io.ciorelay.delivery.send.Scheduler;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for delivery to catch up: {@link #flush()} completes once everything accepted before it is
 * delivered or dead-lettered; {@link #close} stops accepting, commits what is buffered, delivers
 * until the deadline (or until delivery is blocked: paused, credentials or endpoint refused),
 * stops the lanes and closes the store, leaving the rest stored for the next start.
 *
 * <p>Polls on the injected {@link Scheduler}; deadlines are on the injected ticker. Thread-safe:
 * {@link #close} is synchronized and idempotent; flushes may be asked from any thread, and any
 * flush still open when close ends completes then (nothing more will be delivered).
 */
final class Drain {
  /** The facade's logger: operators' log settings and the close line name {@code CustomerIo}. */
  private static final Logger log = LoggerFactory.getLogger(CustomerIo.class);
  static final Duration FLUSH_POLL = Duration.ofMillis(20);
  static final Duration CLOSE_POLL = Duration.ofMillis(10);

  /** What draining needs of the lane loop ({@link LaneScheduler}). */
  interface Delivery {
    void beginFlush();

    void endFlush();

    /** Whether nothing will be delivered until something outside changes. */
    boolean isBlocked();

    long resultsIssued();

    long resultsSettledBelow();

    /** Stops the lanes, waiting until {@code deadlineNanos} at most; the number of requests left unanswered. */
    int stop(long deadlineNanos);

    long delivered();

    long deadLettered();

    static Delivery of(LaneScheduler s) {
      return new Delivery() {
        @Override public void beginFlush() { s.beginFlush(); }
        @Override public void endFlush() { s.endFlush(); }
        @Override public boolean isBlocked() { return s.isBlocked(); }
        @Override public long resultsIssued() { return s.resultsIssued(); }
        @Override public long resultsSettledBelow() { return s.resultsSettledBelow(); }
        @Override public int stop(long deadlineNanos) { return s.stop(deadlineNanos); }
        @Override public long delivered() { return s.delivered(); }
        @Override public long deadLettered() { return s.deadLettered(); }
      };
    }
  }

  private final String workspace;
  private final Outbox outbox;
  private final Delivery delivery;
  private final Supplier<CompletableFuture<Long>> lastAppend;
  private final Scheduler scheduler;
  private final LongSupplier ticker;
  private final Set<CompletableFuture<Void>> openFlushes = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private ShutdownReport report;

  /**
   * @param lastAppend the commit of the most recent append (its sequence number)
   */
  Drain(String workspace, Outbox outbox, Delivery delivery, Supplier<CompletableFuture<Long>> lastAppend,
      Scheduler scheduler, LongSupplier ticker) {
    this.workspace = workspace;
    this.outbox = outbox;
    this.delivery = delivery;
    this.lastAppend = lastAppend;
    this.scheduler = scheduler;
    this.ticker = ticker;
  }

  /**
   * Completes when every operation accepted before this call is delivered or dead-lettered (or
   * this instance closed). Part-full batches go out at once while a flush is open. Never
   * completes exceptionally.
   */
  CompletableFuture<Void> flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed) {
      done.complete(null);
      return done;
    }
    openFlushes.add(done);
    delivery.beginFlush();
    // Sequence numbers follow acceptance order: once the last append made before this call has
    // committed with sequence S, the flush is done when no pending entry has a sequence <= S.
    // Entries already pending (from before a restart, or replayed dead letters) count too.
    lastAppend.get().handle((seq, e) -> seq == null ? Long.MAX_VALUE : seq)
        .thenAccept(seq -> {
          long target;
          try {
            target = Math.max(seq, outbox.newestPendingSeq());
          } catch (OutboxException ex) {
            target = seq;
          }
          pollFlush(target, done, -1);
        });
    return done.whenComplete((x, e) -> {
      openFlushes.remove(done);
      delivery.endFlush();
    });
  }

  private void pollFlush(long lastSeq, CompletableFuture<Void> done, long ticket) {
    if (done.isDone()) {
      return;
    }
    if (closed) {
      done.complete(null);
      return;
    }
    try {
      long oldest = outbox.oldestPendingSeq();
      if (ticket < 0 && (oldest < 0 || oldest > lastSeq)) {
        // Delivered on disk; wait until the engine has applied those results (health, metrics,
        // watchers): every result handed to the store before now has a ticket below this one.
        ticket = delivery.resultsIssued();
      }
      if (ticket >= 0 && delivery.resultsSettledBelow() >= ticket) {
        done.complete(null);
        return;
      }
      long t = ticket;
      scheduler.schedule(() -> pollFlush(lastSeq, done, t), FLUSH_POLL);
    } catch (OutboxException e) {
      // Closed: nothing more will be delivered by this instance.
      done.complete(null);
    }
  }

  private void pollDrained(CompletableFuture<Void> drained) {
    try {
      if (outbox.stats().pending() == 0 || delivery.isBlocked()) {
        drained.complete(null);
        return;
      }
      scheduler.schedule(() -> pollDrained(drained), CLOSE_POLL);
    } catch (RuntimeException e) {
      drained.complete(null);
    }
  }

  /**
   * Commits what is buffered, delivers until {@code timeout}, stops the lanes and closes the store,
   * then runs {@code release} (the engine's threads and transport). The caller has stopped
   * accepting. Idempotent: later calls return the first report.
   *
   * @param accepted the number of operations accepted over this instance's life
   */
  synchronized ShutdownReport close(Duration timeout, LongSupplier accepted, Runnable release) {
    if (report != null) {
      return report;
    }
    long startNanos = ticker.getAsLong();
    long deadline = startNanos + timeout.toNanos();
    outbox.stopAccepting();
    try {
      lastAppend.get().handle((s, e) -> null).get(Math.max(1, deadline - ticker.getAsLong()), TimeUnit.NANOSECONDS);
    } catch (Exception e) {
      // Commit still running at the deadline; closing the store below finishes it.
    }
    delivery.beginFlush();
    // Deliver until the backlog is empty, delivery is blocked (paused, credentials or endpoint
    // refused: waiting longer would deliver nothing), or the deadline passes.
    CompletableFuture<Void> drained = new CompletableFuture<>();
    pollDrained(drained);
    try {
      drained.get(Math.max(1, deadline - ticker.getAsLong()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // deadline: the rest stays in the outbox for the next start
    }
    int abandoned = delivery.stop(deadline);
    outbox.close(abandoned > 0);
    OutboxStats st = outbox.stats();
    release.run();
    closed = true;
    openFlushes.forEach(f -> f.complete(null));
    report = new ShutdownReport(accepted.getAsLong(), delivery.delivered(), delivery.deadLettered(),
        st.pending(), abandoned, Duration.ofNanos(ticker.getAsLong() - startNanos));
    log.info("workspace {} closed: {}", workspace, report);
    return report;
  }
}
