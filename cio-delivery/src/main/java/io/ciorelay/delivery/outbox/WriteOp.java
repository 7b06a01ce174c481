package io.ciorelay.delivery.outbox;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A unit of work handed to the writer thread through its queue. Immutable except {@link Append#seq}. */
sealed interface WriteOp {

  /** Fails this operation's future (if any) with the given cause. */
  void fail(Throwable cause);

  /** One entry to insert; the writer assigns {@link #seq} when it applies it. */
  final class Append implements WriteOp {
    final NewEntry entry;
    final int lane;
    final CompletableFuture<Long> future = new CompletableFuture<>();
    long seq;

    Append(NewEntry entry, int lane) {
      this.entry = entry;
      this.lane = lane;
    }

    @Override
    public void fail(Throwable cause) {
      future.completeExceptionally(cause);
    }
  }

  record Ack(long[] seqs, CompletableFuture<Void> future) implements WriteOp {
    @Override
    public void fail(Throwable cause) {
      future.completeExceptionally(cause);
    }
  }

  record MoveToDeadLetters(List<DeadLetterRequest> requests, long deadAtMillis, CompletableFuture<Void> future)
      implements WriteOp {
    @Override
    public void fail(Throwable cause) {
      future.completeExceptionally(cause);
    }
  }

  record RecordFailure(long[] seqs, long atMillis, String lastError, CompletableFuture<Void> future)
      implements WriteOp {
    @Override
    public void fail(Throwable cause) {
      future.completeExceptionally(cause);
    }
  }

  /** Replays the given dead letters, or all of them when {@code ids} is null. */
  record Replay(List<Long> ids, CompletableFuture<Integer> future) implements WriteOp {
    @Override
    public void fail(Throwable cause) {
      future.completeExceptionally(cause);
    }
  }

  /** Purges the given dead letters, or all of them when {@code ids} is null. */
  record Purge(List<Long> ids, CompletableFuture<Integer> future) implements WriteOp {
    @Override
    public void fail(Throwable cause) {
      future.completeExceptionally(cause);
    }
  }

  /** Wakes a writer blocked on the main queue so it takes the urgent queue; does nothing itself. */
  record Wake() implements WriteOp {
    static final Wake INSTANCE = new Wake();

    @Override
    public void fail(Throwable cause) {}
  }

  /** The last operation the writer takes: commit what came before, then exit. */
  record Stop() implements WriteOp {
    @Override
    public void fail(Throwable cause) {}
  }
}
