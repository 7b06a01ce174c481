package io.ciorelay.delivery;

import io.ciorelay.delivery.outbox.AppendResult;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.delivery.outbox.DeadLetterRequest;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.OutboxException;
import io.ciorelay.delivery.outbox.OutboxStats;
import io.ciorelay.delivery.outbox.StoredEntry;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store (the SQLite outbox it wraps) with two faults a test can switch on: the next
 * {@code failCommits} appends are accepted but their commit fails (as a store that loses its
 * server between accepting and committing does), commits can be reported late from a thread of
 * the test's choosing (as the Redis store reports them from its event loop), and every read
 * records the thread it ran on.
 * Thread-safe.
 */
final class FaultyOutbox extends io.ciorelay.delivery.outbox.ForwardingOutbox {
  final AtomicInteger failCommits = new AtomicInteger();
  final Set<String> readThreads = ConcurrentHashMap.newKeySet();
  /** While set, commits are reported only once this completes, on the thread that completes it. */
  volatile CompletableFuture<Void> commitGate;
  /** The real store's commit of the last append made while {@link #commitGate} was set. */
  volatile CompletableFuture<Long> lastHeldCommit;

  FaultyOutbox(Outbox real) {
    super(real);
  }

  @Override
  public AppendResult append(NewEntry entry) {
    if (failCommits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return AppendResult.accepted(CompletableFuture.failedFuture(
          new OutboxException("simulated commit failure")));
    }
    CompletableFuture<Void> gate = commitGate;
    AppendResult r = real.append(entry);
    if (gate == null || !r.isAccepted()) {
      return r;
    }
    lastHeldCommit = r.committed();
    CompletableFuture<Long> reported = new CompletableFuture<>();
    r.committed().whenComplete((seq, err) -> gate.whenComplete((x, y) -> {
      if (err != null) {
        reported.completeExceptionally(err);
      } else {
        reported.complete(seq);
      }
    }));
    return AppendResult.accepted(reported);
  }

  @Override
  public boolean isPending(long seq) {
    readThreads.add(Thread.currentThread().getName());
    return real.isPending(seq);
  }

  @Override
  public Optional<DeadLetter> deadLetterOf(long seq) {
    readThreads.add(Thread.currentThread().getName());
    return real.deadLetterOf(seq);
  }

}

