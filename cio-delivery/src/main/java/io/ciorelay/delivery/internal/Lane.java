package io.ciorelay.delivery.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One ordered partition's delivery state: the batches read and not yet resolved (head first),
 * whether its request is in flight, and until when it waits. Not thread-safe: confined to the
 * dispatcher thread.
 */
final class Lane {
  final int index;
  final Deque<Batch> work = new ArrayDeque<>();
  boolean inFlight;
  long notBefore;
  long lingerUntil;

  Lane(int index) {
    this.index = index;
  }

  /** Forgets what was read, unsent: another process delivers this lane now and reads it again from the store. */
  void forget() {
    work.clear();
    notBefore = 0;
    lingerUntil = 0;
  }

  /** The request is over and its head batch stays (to be sent again); the lane may send from {@code notBeforeMillis} (0: at once). */
  void free(long notBeforeMillis) {
    if (notBeforeMillis > 0) {
      notBefore = notBeforeMillis;
    }
    inFlight = false;
  }

  /** The head batch is resolved (acknowledged or dead-lettered on disk): it leaves the lane, which is free. */
  void resolveHead() {
    work.pollFirst();
    inFlight = false;
  }

  /** The head batch is replaced by its two halves, in order, and the lane is free to send the first. */
  void splitHead() {
    Batch b = work.pollFirst();
    int mid = b.entries.size() / 2;
    work.addFirst(new Batch(b.entries.subList(mid, b.entries.size())));
    work.addFirst(new Batch(b.entries.subList(0, mid)));
    inFlight = false;
  }
}
