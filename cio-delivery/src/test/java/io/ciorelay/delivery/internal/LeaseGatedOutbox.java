package io.ciorelay.delivery.internal;

import io.ciorelay.delivery.outbox.AppendResult;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.delivery.outbox.DeadLetterRequest;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.OutboxStats;
import io.ciorelay.delivery.outbox.StoredEntry;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A real store whose lane ownership is decided by the test, the way a shared store's lease answers
 * {@link Outbox#owns}: every lane is owned while {@code leaseLeft} says so. Thread-safe.
 */
final class LeaseGatedOutbox implements Outbox {
  private final Outbox real;
  private final BooleanSupplier leaseLeft;

  LeaseGatedOutbox(Outbox real, BooleanSupplier leaseLeft) {
    this.real = real;
    this.leaseLeft = leaseLeft;
  }

  @Override public boolean owns(int lane) { return leaseLeft.getAsBoolean() && real.owns(lane); }
  @Override public AppendResult append(NewEntry entry) { return real.append(entry); }
  @Override public int laneOf(String personKey) { return real.laneOf(personKey); }
  @Override public int lanes() { return real.lanes(); }
  @Override public List<StoredEntry> peek(int lane, int maxEntries, long maxBytes) { return real.peek(lane, maxEntries, maxBytes); }
  @Override public long pending(int lane) { return real.pending(lane); }
  @Override public CompletableFuture<Void> ack(long[] seqs) { return real.ack(seqs); }
  @Override public CompletableFuture<Void> deadLetter(List<DeadLetterRequest> requests) { return real.deadLetter(requests); }
  @Override public CompletableFuture<Void> recordFailure(long[] seqs, long atMillis, String lastError) { return real.recordFailure(seqs, atMillis, lastError); }
  @Override public OutboxStats stats() { return real.stats(); }
  @Override public List<DeadLetter> deadLetters(long afterId, int limit) { return real.deadLetters(afterId, limit); }
  @Override public boolean isPending(long seq) { return real.isPending(seq); }
  @Override public Optional<DeadLetter> deadLetterOf(long seq) { return real.deadLetterOf(seq); }
  @Override public OptionalLong replayedAs(long seq) { return real.replayedAs(seq); }
  @Override public long oldestPendingSeq() { return real.oldestPendingSeq(); }
  @Override public long oldestPendingSeq(int lane) { return real.oldestPendingSeq(lane); }
  @Override public long newestPendingSeq() { return real.newestPendingSeq(); }
  @Override public long deadLetterCount() { return real.deadLetterCount(); }
  @Override public int replay(Collection<Long> deadLetterIds) { return real.replay(deadLetterIds); }
  @Override public int replayAll() { return real.replayAll(); }
  @Override public int purge(Collection<Long> deadLetterIds) { return real.purge(deadLetterIds); }
  @Override public int purgeAll() { return real.purgeAll(); }
  @Override public void onAppendCommitted(Runnable listener) { real.onAppendCommitted(listener); }
  @Override public void stopAccepting() { real.stopAccepting(); }
  @Override public void close() { real.close(); }
}
