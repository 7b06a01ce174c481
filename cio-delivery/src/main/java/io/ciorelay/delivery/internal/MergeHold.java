package io.ciorelay.delivery.internal;

import io.ciorelay.client.Operation;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.StoredEntry;
import java.util.function.IntToLongFunction;
import java.util.function.ToIntFunction;

/**
 * Holds a batch headed by a merge until every operation of the secondary person accepted before
 * it is delivered or dead-lettered: those sit in the secondary's lane and, sent after the merge,
 * would recreate the merged-away profile. The hold ends only by lower sequence numbers being
 * resolved, so two merges cannot wait on each other. A store that cannot tell a lane's oldest
 * pending sequence ({@link Outbox#UNKNOWN_SEQ}) holds nothing.
 *
 * <p>Thread-safe if the two store functions are; stateless otherwise.
 */
final class MergeHold {
  /** The lane of a batch that is not headed by a readable merge. */
  static final int NOT_A_MERGE = -1;
  /** How long to wait before looking at the secondary's lane again. */
  static final long POLL_MILLIS = 50;

  private final ToIntFunction<String> laneOf;
  private final IntToLongFunction oldestPendingSeq;

  /**
   * @param laneOf the store's lane of a person key ({@link Outbox#laneOf})
   * @param oldestPendingSeq the store's oldest pending sequence of a lane ({@link Outbox#oldestPendingSeq(int)})
   */
  MergeHold(ToIntFunction<String> laneOf, IntToLongFunction oldestPendingSeq) {
    this.laneOf = laneOf;
    this.oldestPendingSeq = oldestPendingSeq;
  }

  /** The secondary person's lane if {@code head} is a readable merge, else {@link #NOT_A_MERGE}. */
  int secondaryLane(StoredEntry head) {
    if (!Batcher.isMerge(head)) {
      return NOT_A_MERGE;
    }
    try {
      Operation op = Operation.fromJson(head.payload());
      if (op.action() == io.ciorelay.client.Action.MERGE && op.secondary() != null) {
        return laneOf.applyAsInt(op.secondary().key());
      }
    } catch (RuntimeException e) {
      // Not a readable merge: nothing to wait for; Customer.io will judge it.
    }
    return NOT_A_MERGE;
  }

  /**
   * 0 if the merge with sequence {@code mergeSeq} in {@code lane} may go at {@code nowMillis}, else
   * when (epoch ms) to look again.
   */
  long holdUntil(int lane, int secondaryLane, long mergeSeq, long nowMillis) {
    if (secondaryLane == NOT_A_MERGE || secondaryLane == lane) {
      return 0; // not a merge, or the same lane: lane order already holds
    }
    long oldest = oldestPendingSeq.applyAsLong(secondaryLane);
    if (oldest == Outbox.UNKNOWN_SEQ || oldest < 0 || oldest > mergeSeq) {
      return 0;
    }
    return nowMillis + POLL_MILLIS;
  }
}
