package io.ciorelay.server.relay;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One timeout for many requests, checked by a periodic sweep instead of a task scheduled and
 * cancelled per request (which cost more than the request's own work on the relay's hot path).
 * Every entry has the same timeout, so entries queue in deadline order; the sweep drops the
 * finished ones from the head and expires those whose deadline has passed. An entry therefore
 * expires up to one sweep interval late. Thread-safe.
 */
final class Deadlines {
  /** Something that may finish before its deadline. */
  interface Watched {
    /** True once it finished on its own; it is then dropped without being expired. */
    boolean isDone();

    /** Called once, on the sweep's thread, when the deadline passed before it finished. */
    void expire();
  }

  private record Entry(long deadline, Watched watched) {}

  private final long timeoutNanos;
  private final LongSupplier nanoTime;
  private final Queue<Entry> entries = new ConcurrentLinkedQueue<>();

  /**
   * @param timeout how long an entry may stay unfinished
   * @param interval how often the sweep runs on {@code scheduler} (the lateness an expiry may have)
   * @param nanoTime the monotonic clock, in nanoseconds
   */
  Deadlines(Duration timeout, Duration interval, ScheduledExecutorService scheduler, LongSupplier nanoTime) {
    this.timeoutNanos = timeout.toNanos();
    this.nanoTime = nanoTime;
    if (scheduler != null) {
      scheduler.scheduleWithFixedDelay(this::sweep, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** Watches {@code w} from now for the timeout. */
  void watch(Watched w) {
    entries.add(new Entry(nanoTime.getAsLong() + timeoutNanos, w));
  }

  /** Drops finished entries from the head and expires the overdue ones; returns how many expired. */
  int sweep() {
    long now = nanoTime.getAsLong();
    int expired = 0;
    Entry e;
    while ((e = entries.peek()) != null) {
      if (!e.watched.isDone() && e.deadline - now > 0) {
        break;
      }
      entries.poll();
      if (!e.watched.isDone()) {
        try {
          e.watched.expire();
        } catch (RuntimeException ignored) {
          // One failing expiry must not stop the sweep of the others.
        }
        expired++;
      }
    }
    return expired;
  }

  /** Entries still queued (finished ones behind an unfinished head included). */
  int queued() {
    return entries.size();
  }
}
