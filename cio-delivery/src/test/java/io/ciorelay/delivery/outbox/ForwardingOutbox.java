package io.ciorelay.delivery.outbox;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A real store behind every call, for test stores that change one or two answers (a failed commit,
 * a lease that ran short). Thread-safe as the store it wraps.
 */
public abstract class ForwardingOutbox implements Outbox {
  protected final Outbox real;

  protected ForwardingOutbox(Outbox real) {
    this.real = real;
  }

  @Override public AppendResult append(NewEntry entry) { return real.append(entry); }
  @Override public int laneOf(String personKey) { return real.laneOf(personKey); }
  @Override public int lanes() { return real.lanes(); }
  @Override public List<StoredEntry> peek(int lane, int maxEntries, long maxBytes) { return real.peek(lane, maxEntries, maxBytes); }
  @Override public boolean owns(int lane) { return real.owns(lane); }
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
  @Override public String problem() { return real.problem(); }
  @Override public boolean reportsProblems() { return real.reportsProblems(); }
  @Override public void onAppendCommitted(Runnable listener) { real.onAppendCommitted(listener); }
  @Override public void stopAccepting() { real.stopAccepting(); }
  @Override public void close(boolean requestsInFlight) { real.close(requestsInFlight); }
  @Override public void close() { real.close(); }
}
