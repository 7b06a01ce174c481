package io.ciorelay.delivery.internal;

import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.StoredEntry;
import java.util.List;

/**
 * Operations of one lane sent together, kept unchanged across retries, with the counts the
 * retries need. Not thread-safe: confined to the dispatcher thread.
 */
final class Batch {
  static final int UNKNOWN = -2;

  final List<StoredEntry> entries;
  int attempts;
  long firstFailure;
  int rateLimited;
  int storeFailures;
  /** For a batch headed by a merge: the secondary person's lane ({@link MergeHold#NOT_A_MERGE} if none); UNKNOWN until looked at. */
  int mergeSecondaryLane = UNKNOWN;

  Batch(List<StoredEntry> entries) {
    this.entries = List.copyOf(entries);
    int a = 0;
    long first = 0;
    for (StoredEntry e : entries) {
      a = Math.max(a, e.attempts());
      if (e.firstFailureAtMillis() > 0 && (first == 0 || e.firstFailureAtMillis() < first)) {
        first = e.firstFailureAtMillis();
      }
    }
    this.attempts = a;
    this.firstFailure = first;
  }

  EntryKind kind() {
    return entries.get(0).kind();
  }

  StoredEntry head() {
    return entries.get(0);
  }

  long[] seqs() {
    long[] s = new long[entries.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = entries.get(i).seq();
    }
    return s;
  }
}
