package io.ciorelay.delivery.internal;

import io.ciorelay.delivery.outbox.DeadLetter;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;

/**
 * Completes the futures of callers waiting for particular operations to be delivered or
 * dead-lettered. Only watched operations cost memory. Thread-safe.
 *
 * <p>Race-free: a watch registers first and then asks the outbox whether the entry is still
 * pending; if it is not, the outcome is read back (dead letter or delivered). The engine
 * completes registered watches after its acknowledgement commits. Either path may complete a
 * future; completing twice is harmless. An entry that was dead-lettered and then replayed is
 * followed under the sequence number it was replayed as (as often as it was replayed), so its
 * receipt reports what became of the replayed operation, not "delivered" because the original
 * entry is gone.
 */
public final class DeliveryTracker {

  /** The final state of an entry, as the tracker reports it. */
  public record Outcome(boolean delivered, String reason) {}

  private final Map<Long, CompletableFuture<Outcome>> watches = new ConcurrentHashMap<>();
  private final LongPredicate isPending;
  private final LongFunction<Optional<DeadLetter>> deadLetterOf;
  private final LongFunction<OptionalLong> replayedAs;

  public DeliveryTracker(LongPredicate isPending, LongFunction<Optional<DeadLetter>> deadLetterOf,
      LongFunction<OptionalLong> replayedAs) {
    this.isPending = isPending;
    this.deadLetterOf = deadLetterOf;
    this.replayedAs = replayedAs;
  }

  /** Reads the store: call it off the store's own threads. */
  public CompletableFuture<Outcome> watch(long seq) {
    CompletableFuture<Outcome> f = watches.computeIfAbsent(seq, s -> new CompletableFuture<>());
    if (!isPending.test(seq)) {
      Optional<DeadLetter> dl = deadLetterOf.apply(seq);
      if (dl.isPresent()) {
        complete(seq, new Outcome(false, dl.get().reason()));
      } else {
        OptionalLong replayed = replayedAs.apply(seq);
        if (replayed.isPresent() && replayed.getAsLong() != seq) {
          watch(replayed.getAsLong()).thenAccept(o -> complete(seq, o));
        } else {
          complete(seq, new Outcome(true, null));
        }
      }
    }
    return f;
  }

  public boolean hasWatches() {
    return !watches.isEmpty();
  }

  public void complete(long seq, Outcome outcome) {
    CompletableFuture<Outcome> f = watches.remove(seq);
    if (f != null) {
      f.complete(outcome);
    }
  }
}
