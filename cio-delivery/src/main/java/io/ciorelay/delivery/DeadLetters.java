package io.ciorelay.delivery;

import io.ciorelay.delivery.outbox.DeadLetter;
import java.util.Collection;
import java.util.List;

/**
 * The dead-letter store: operations Customer.io refused or whose retry budget ran out, each with
 * the reason, last HTTP status and attempts. Replayed operations go to the end of their person's
 * lane and keep their event ids. Thread-safe.
 */
public interface DeadLetters {

  /** Dead letters with id greater than {@code afterId}, oldest first, at most {@code limit}. */
  List<DeadLetter> list(long afterId, int limit);

  long count();

  /** Puts these back for delivery; returns how many moved. */
  int replay(Collection<Long> ids);

  int replayAll();

  /** Deletes these for good; returns how many were deleted. */
  int purge(Collection<Long> ids);

  int purgeAll();
}
