package io.ciorelay.delivery.outbox;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The argument checks every {@link Outbox} engine makes the same way, so callers get the same
 * messages whichever store they use. Stateless and thread-safe.
 */
public final class OutboxArguments {
  private OutboxArguments() {}

  /** @throws IllegalArgumentException unless {@code 0 <= lane < lanes} */
  public static void checkLane(int lane, int lanes) {
    if (lane < 0 || lane >= lanes) {
      throw new IllegalArgumentException("lane must be in 0.." + (lanes - 1) + " but was " + lane);
    }
  }

  /** The arguments of {@link Outbox#peek}: a valid lane and non-negative limits. */
  public static void checkPeek(int lane, int lanes, int maxEntries, long maxBytes) {
    checkLane(lane, lanes);
    if (maxEntries < 0) {
      throw new IllegalArgumentException("maxEntries must be >= 0 but was " + maxEntries);
    }
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0 but was " + maxBytes);
    }
  }

  /** Dead-letter ids in ascending order (oldest first). @throws NullPointerException naming a null id */
  public static List<Long> sortedIds(Collection<Long> ids) {
    Objects.requireNonNull(ids, "deadLetterIds must not be null");
    List<Long> sorted = new ArrayList<>(ids.size());
    for (Long id : ids) {
      sorted.add(Objects.requireNonNull(id, "deadLetterIds must not contain null"));
    }
    sorted.sort(null);
    return sorted;
  }
}
