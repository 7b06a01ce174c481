package io.ciorelay.simulator;

import java.util.Arrays;

/**
 * Counts events in the last second with an exact sliding-window log (a ring of arrival times),
 * remembering the highest count ever seen. Used both as the rate limiter (admit while fewer than
 * the limit arrived in the last second) and to measure peak request rates.
 *
 * <p>Written by hand because the peak over every sliding one-second window is what tests assert,
 * and a token bucket (Bucket4j) can admit up to twice its refill rate across a window boundary.
 * Thread-safe: all methods are synchronized; each call is O(1) amortised.
 */
final class SlidingWindow {
  private static final long WINDOW_NANOS = 1_000_000_000L;

  private long[] ring = new long[64];
  private int head;
  private int size;
  private int peak;

  /** Records an event at {@code now} (nanos) unconditionally; returns the count in the window. */
  synchronized int record(long now) {
    evict(now);
    push(now);
    return size;
  }

  /** Records an event at {@code now} only if fewer than {@code limit} happened in the last second. */
  synchronized boolean tryAcquire(long now, int limit) {
    evict(now);
    if (size >= limit) {
      return false;
    }
    push(now);
    return true;
  }

  /** Nanoseconds until the oldest event in the window leaves it (0 if the window is not full). */
  synchronized long nanosUntilFree(long now) {
    evict(now);
    if (size == 0) {
      return 0;
    }
    return Math.max(0, ring[head] + WINDOW_NANOS - now);
  }

  synchronized int peak() {
    return peak;
  }

  synchronized void clear() {
    ring = new long[64];
    head = 0;
    size = 0;
    peak = 0;
  }

  private void evict(long now) {
    while (size > 0 && now - ring[head] >= WINDOW_NANOS) {
      head = (head + 1) % ring.length;
      size--;
    }
  }

  private void push(long now) {
    if (size == ring.length) {
      long[] bigger = new long[ring.length * 2];
      for (int i = 0; i < size; i++) {
        bigger[i] = ring[(head + i) % ring.length];
      }
      Arrays.fill(ring, 0);
      ring = bigger;
      head = 0;
    }
    ring[(head + size) % ring.length] = now;
    size++;
    if (size > peak) {
      peak = size;
    }
  }
}
