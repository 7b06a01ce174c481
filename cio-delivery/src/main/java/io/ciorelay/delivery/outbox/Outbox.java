package io.ciorelay.delivery.outbox;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A durable, ordered store of operations waiting for delivery, partitioned into lanes by person.
 *
 * <p>Entries of one lane are returned by {@link #peek} in the order they were appended (their
 * sequence numbers). An entry stays pending until it is {@linkplain #ack acknowledged} (deleted)
 * or {@linkplain #deadLetter dead-lettered}; on restart every pending entry is there again.
 *
 * <p>Thread-safe. Writes are applied by one writer thread in group commits; {@code append},
 * {@code ack}, {@code deadLetter} and {@code recordFailure} hand work to it and return at once
 * (except {@code append} under {@link OverflowPolicy#BLOCK}). Reads run on their own connection.
 */
public interface Outbox extends AutoCloseable {

  /**
   * Hands one entry to the store. Never throws for capacity or shutdown: it returns a rejected
   * result with the reason instead. An accepted result carries a future that completes with the
   * entry's sequence number once the entry is committed to disk, or exceptionally with an
   * {@link OutboxException} if the commit failed.
   */
  AppendResult append(NewEntry entry);

  /** The lane an entry with this person key belongs to, for this store's lane count. */
  int laneOf(String personKey);

  /** The number of lanes. */
  int lanes();

  /** Committed, pending entries of one lane, oldest first: at most {@code maxEntries}, and stopping
   * before the entry that would take the sum of payload sizes over {@code maxBytes} (but always
   * at least one entry if the lane has any). */
  List<StoredEntry> peek(int lane, int maxEntries, long maxBytes);

  /**
   * Whether this store may deliver the lane now. A shared store (several relays on one Redis)
   * lets one process at a time read a lane and answers false for lanes another process holds or
   * whose lease this process lost; the dispatcher then drops what it read from the lane and sends
   * nothing more from it until the lane is owned again. Cheap (in memory). The embedded store
   * owns every lane.
   */
  default boolean owns(int lane) {
    return true;
  }

  /** Committed pending entries in one lane (kept in memory; cheap). */
  long pending(int lane);

  /** Deletes delivered entries. Completes after the commit. Unknown sequence numbers are ignored. */
  CompletableFuture<Void> ack(long[] seqs);

  /** Moves entries to the dead-letter store with their reasons. Completes after the commit. */
  CompletableFuture<Void> deadLetter(List<DeadLetterRequest> requests);

  /** Records a failed delivery attempt of these entries (attempts + 1, first-failure time kept, last error). */
  CompletableFuture<Void> recordFailure(long[] seqs, long atMillis, String lastError);

  /** A snapshot of depth, bytes, oldest pending age and dead letters. Cheap (no table scan). */
  OutboxStats stats();

  /** Dead letters with id greater than {@code afterId}, oldest first, at most {@code limit}. */
  List<DeadLetter> deadLetters(long afterId, int limit);

  /** Whether the entry with this sequence number is still pending (committed and neither acknowledged nor dead-lettered). */
  boolean isPending(long seq);

  /** The dead letter that was the entry with this sequence number, if it was dead-lettered and not purged or replayed. */
  Optional<DeadLetter> deadLetterOf(long seq);

  /** The smallest sequence number still pending (committed, not acknowledged or dead-lettered), or -1 if none. */
  long oldestPendingSeq();

  /** What {@link #oldestPendingSeq(int)} answers when the store cannot tell. */
  long UNKNOWN_SEQ = Long.MIN_VALUE;

  /**
   * The smallest sequence number still pending in one lane (whoever delivers it), -1 if the lane
   * has none, or {@link #UNKNOWN_SEQ} if this store cannot tell. The engine holds a merge until
   * the secondary person's lane has nothing pending older than the merge; with UNKNOWN_SEQ it does
   * not hold. Must have no side effects on the store's read or lease state. The default answers
   * UNKNOWN_SEQ.
   */
  default long oldestPendingSeq(int lane) {
    return UNKNOWN_SEQ;
  }

  /** The largest sequence number still pending, or -1 if none. */
  long newestPendingSeq();

  /** Number of dead letters. */
  long deadLetterCount();

  /** Moves these dead letters back to the end of their lanes (attempts reset). Returns how many moved. */
  int replay(Collection<Long> deadLetterIds);

  /** Replays every dead letter. Returns how many moved. */
  int replayAll();

  /** Deletes these dead letters for good. Returns how many were deleted. */
  int purge(Collection<Long> deadLetterIds);

  /** Deletes every dead letter. Returns how many were deleted. */
  int purgeAll();

  /**
   * A standing reason this store cannot work right now (for example: its server is unreachable),
   * or null. Reported as health DOWN until it clears; cheap (no I/O).
   */
  default String problem() {
    return null;
  }

  /**
   * Whether {@link #problem()} is this store's whole health signal: when it returns null the
   * store works, so a failure reported earlier (a refused append) is over. False for stores that
   * report only through failed operations (the SQLite file).
   */
  default boolean reportsProblems() {
    return false;
  }

  /**
   * Closes knowing that requests read from this store may still be in flight (abandoned at the
   * shutdown deadline): a shared store must then not hand those entries to another process at once.
   * The default simply closes.
   */
  default void close(boolean requestsInFlight) {
    close();
  }

  /** Registers a callback run on the writer thread after each commit that added entries. Must be quick. */
  void onAppendCommitted(Runnable listener);

  /** Stops accepting appends (later appends are rejected with {@link AppendResult.Reason#CLOSED}). */
  void stopAccepting();

  /** Commits everything handed over so far, then closes the files. Idempotent. */
  @Override
  void close();
}
