package io.ciorelay.server.dashboard;

import io.ciorelay.delivery.DeadLetters;
import io.ciorelay.delivery.outbox.DeadLetter;
import java.util.ArrayList;
import java.util.List;

/**
 * Filtering over the store's own listing ({@link DeadLetters#list}, oldest first, in pages of
 * {@value #CHUNK}): a page of matches, the count of all matches, and replay or purge of all matches
 * up to an id. Memory is bounded by one chunk plus one page, whatever the store holds. Stateless and
 * thread-safe.
 */
final class DeadLetterScan {
  static final int CHUNK = 500;
  /** A page request reads at most this many dead letters, then answers with what it found and where to go on. */
  static final int MAX_SCAN_PER_PAGE = 50_000;

  private DeadLetterScan() {}

  /**
   * @param matches   up to the limit, oldest first
   * @param nextAfter where the next page starts ({@code after}), or -1 when the store has no more
   * @param scanned   how many dead letters were read
   */
  record Page(List<DeadLetter> matches, long nextAfter, long scanned) {}

  static Page page(DeadLetters dl, DeadLetterFilter filter, long after, int limit) {
    List<DeadLetter> out = new ArrayList<>();
    long cursor = after;
    long scanned = 0;
    while (true) {
      List<DeadLetter> chunk = dl.list(cursor, CHUNK);
      for (DeadLetter d : chunk) {
        scanned++;
        cursor = d.id();
        if (filter.matches(d)) {
          out.add(d);
          if (out.size() == limit) {
            return new Page(out, cursor, scanned);
          }
        }
      }
      if (chunk.size() < CHUNK) {
        return new Page(out, -1, scanned);
      }
      if (scanned >= MAX_SCAN_PER_PAGE) {
        return new Page(out, cursor, scanned);
      }
    }
  }

  /** How many match, and the highest id of the store when counted (an action given it touches nothing newer). */
  record Count(long matching, long upTo) {}

  static Count count(DeadLetters dl, DeadLetterFilter filter) {
    long cursor = 0;
    long n = 0;
    while (true) {
      List<DeadLetter> chunk = dl.list(cursor, CHUNK);
      for (DeadLetter d : chunk) {
        cursor = d.id();
        if (filter.matches(d)) {
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

  /**
   * Replays ({@code replay} true) or purges every dead letter that matches and whose id is at most
   * {@code upTo}, {@value #CHUNK} at a time. Dead letters created meanwhile (also by a replayed
   * operation refused again) have higher ids and are left alone, so this always ends.
   */
  static Applied apply(DeadLetters dl, DeadLetterFilter filter, long upTo, boolean replay) {
    long cursor = 0;
    long matched = 0;
    long changed = 0;
    while (cursor < upTo) {
      List<DeadLetter> chunk = dl.list(cursor, CHUNK);
      List<Long> ids = new ArrayList<>();
      for (DeadLetter d : chunk) {
        if (d.id() > upTo) {
          break;
        }
        cursor = d.id();
        if (filter.matches(d)) {
          ids.add(d.id());
        }
      }
      if (!ids.isEmpty()) {
        matched += ids.size();
        changed += replay ? dl.replay(ids) : dl.purge(ids);
      }
      if (chunk.size() < CHUNK || (!chunk.isEmpty() && chunk.get(chunk.size() - 1).id() > upTo)) {
        break;
      }
    }
    return new Applied(matched, changed);
  }
}
