package io.ciorelay.delivery.testing;

import io.ciorelay.delivery.send.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** A {@link Scheduler} whose tasks run when the test advances its {@link MutableClock}. Thread-safe. */
public final class FakeScheduler implements Scheduler {
  private final MutableClock clock;
  private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.dueNanos != b.dueNanos
      ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.order, b.order));
  private long order;

  public FakeScheduler(MutableClock clock) {
    this.clock = clock;
  }

  private static final class Task {
    final long dueNanos;
    final long order;
    final Runnable run;
    volatile boolean cancelled;

    Task(long dueNanos, long order, Runnable run) {
      this.dueNanos = dueNanos;
      this.order = order;
      this.run = run;
    }
  }

  private long nowNanos() {
    java.time.Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, Duration delay) {
    Task t = new Task(nowNanos() + Math.max(0, delay.toNanos()), order++, task);
    tasks.add(t);
    return () -> t.cancelled = true;
  }

  /** Tasks scheduled and neither run nor cancelled. */
  public synchronized int pending() {
    return (int) tasks.stream().filter(t -> !t.cancelled).count();
  }

  /** Moves the clock on by {@code d}, running every task that falls due, in due order, on this thread. */
  public void advance(Duration d) {
    long target = nowNanos() + d.toNanos();
    while (true) {
      List<Task> due = new ArrayList<>();
      synchronized (this) {
        Task t = tasks.peek();
        if (t == null || t.dueNanos > target) {
          break;
        }
        tasks.poll();
        long step = t.dueNanos - nowNanos();
        if (step > 0) {
          clock.advance(Duration.ofNanos(step));
        }
        due.add(t);
      }
      for (Task t : due) {
        if (!t.cancelled) {
          t.run.run();
        }
      }
    }
    long rest = target - nowNanos();
    if (rest > 0) {
      clock.advance(Duration.ofNanos(rest));
    }
  }
}
