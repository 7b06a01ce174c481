package io.ciorelay.delivery.send;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once after a delay; the engine's only way to wait. Tests pass a fake that runs
 * tasks when a fake clock is advanced. Implementations are thread-safe.
 */
@FunctionalInterface
public interface Scheduler {

  /** A scheduled task that can be called off. */
  @FunctionalInterface
  interface Cancellable {
    /** Calls the task off if it has not run; harmless afterwards. */
    void cancel();
  }

  /** Runs {@code task} once, {@code delay} from now, on the scheduler's thread. */
  Cancellable schedule(Runnable task, Duration delay);

  /** A scheduler backed by an executor; tasks the executor refuses (shut down) are dropped. */
  static Scheduler of(ScheduledExecutorService executor) {
    Objects.requireNonNull(executor, "executor");
    return (task, delay) -> {
      try {
        ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        return () -> { };
      }
    };
  }
}
