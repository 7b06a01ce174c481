package io.ciorelay.server.dashboard;

import io.ciorelay.delivery.DeadLetters;
import io.ciorelay.delivery.outbox.DeadLetter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Filtering over a dead-letter store's own listing (oldest id first, in pages of {@value #CHUNK}):
 * a page of matches, the count of all matches, and replay or purge of all matches up to an id.
 * Works on any {@link Source} (the delivery store's {@link DeadLetters}, the webhook receiver's).
 * Memory is bounded by one chunk plus one page, whatever the store holds. Stateless and
 * thread-safe.
 */
final class DeadLetterScan {
  static final int CHUNK = 500;
  /** A page request reads at most this many dead letters, then answers with what it found and where to go on. */
  static final int MAX_SCAN_PER_PAGE = 50_000;

  private DeadLetterScan() {}

  /**
   * A dead-letter store as the scan sees it: listing by id, and replay and purge by id.
   *
   * @param <T> the store's dead letter
   */
  interface Source<T> {
    /** Up to {@code limit} dead letters with an id above {@code afterId}, in id order. */
    List<T> list(long afterId, int limit);

    long id(T item);

    /** Dead letters now in the store. */
    long total();

    /** Replays those of these ids still in the store; returns how many. */
    int replay(List<Long> ids);

    /** Purges those of these ids still in the store; returns how many. */
    int purge(List<Long> ids);
  }

  /** The delivery store of one workspace as a source. */
  static Source<DeadLetter> of(DeadLetters dl) {
    return new Source<>() {
      @Override
      public List<DeadLetter> list(long afterId, int limit) {
        return dl.list(afterId, limit);
      }

      @Override
      public long id(DeadLetter item) {
        return item.id();
      }

      @Override
      public long total() {
        return dl.count();
      }

      @Override
      public int replay(List<Long> ids) {
        return dl.replay(ids);
      }

      @Override
      public int purge(List<Long> ids) {
        return dl.purge(ids);
      }
    };
  }

  /**
   * @param matches   up to the limit, oldest first
   * @param nextAfter where the next page starts ({@code after}), or -1 when the store has no more
   * @param scanned   how many dead letters were read
   */
  record Page<T>(List<T> matches, long nextAfter, long scanned) {}

  static Page<DeadLetter> page(DeadLetters dl, DeadLetterFilter filter, long after, int limit) {
    return page(of(dl), filter::matches, after, limit);
  }

  static <T> Page<T> page(Source<T> src, Predicate<T> filter, long after, int limit) {
    List<T> out = new ArrayList<>();
    long cursor = after;
    long scanned = 0;
    while (true) {
      List<T> chunk = src.list(cursor, CHUNK);
      for (T d : chunk) {
        scanned++;
        cursor = src.id(d);
        if (filter.test(d)) {
          out.add(d);
          if (out.size() == limit) {
            return new Page<>(out, cursor, scanned);
          }
        }
      }
      if (chunk.size() < CHUNK) {
        return new Page<>(out, -1, scanned);
      }
      if (scanned >= MAX_SCAN_PER_PAGE) {
        return new Page<>(out, cursor, scanned);
      }
    }
  }

  /** How many match, and the highest id of the store when counted (an action given it touches nothing newer). */
  record Count(long matching, long upTo) {}

  static Count count(DeadLetters dl, DeadLetterFilter filter) {
    return count(of(dl), filter::matches);
  }

  static <T> Count count(Source<T> src, Predicate<T> filter) {
    long cursor = 0;
    long n = 0;
    while (true) {
      List<T> chunk = src.list(cursor, CHUNK);
      for (T d : chunk) {
        cursor = src.id(d);
        if (filter.test(d)) {
          n++;
        }
      }
      if (chunk.size() < CHUNK) {
        return new Count(n, cursor);
      }
    }
  }

  /** What an action did: how many matched the filter (up to the id) and how many the store changed. */
  record Applied(long matched, long changed) {}

  static Applied apply(DeadLetters dl, DeadLetterFilter filter, long upTo, boolean replay) {
    return apply(of(dl), filter::matches, upTo, replay);
  }

  /**
   * Replays ({@code replay} true) or purges every dead letter that matches and whose id is at most
   * {@code upTo}, {@value #CHUNK} at a time. Each id is visited once: dead letters created
   * meanwhile with higher ids, and those a replay sends back to the store under an id already
   * passed, are left alone, so this always ends.
   */
  static <T> Applied apply(Source<T> src, Predicate<T> filter, long upTo, boolean replay) {
    long cursor = 0;
    long matched = 0;
    long changed = 0;
    while (cursor < upTo) {
      List<T> chunk = src.list(cursor, CHUNK);
      List<Long> ids = new ArrayList<>();
      boolean beyond = false;
      for (T d : chunk) {
        if (src.id(d) > upTo) {
          beyond = true;
          break;
        }
        cursor = src.id(d);
        if (filter.test(d)) {
          ids.add(src.id(d));
        }
      }
      if (!ids.isEmpty()) {
        matched += ids.size();
        changed += replay ? src.replay(ids) : src.purge(ids);
      }
      if (chunk.size() < CHUNK || beyond) {
        break;
      }
    }
    return new Applied(matched, changed);
  }
}
