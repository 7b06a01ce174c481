package io.ciorelay.server.torture;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Waits on conditions the harness cannot be told about (a port answering, the simulator's record
 * catching up), checking them on a scheduler rather than sleeping in a loop. Thread-safe.
 */
final class Poll {
  private static final ScheduledExecutorService CHECKER = Executors.newSingleThreadScheduledExecutor(daemon("torture-poll"));

  private Poll() {}

  /** A factory of one daemon thread with this name. */
  static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** True once the condition held (checked every {@code every}), false if {@code timeout} passed first. */
  static boolean until(BooleanSupplier condition, Duration timeout, Duration every) {
    CompletableFuture<Void> held = new CompletableFuture<>();
    ScheduledFuture<?> task = CHECKER.scheduleWithFixedDelay(() -> {
      try {
        if (condition.getAsBoolean()) {
          held.complete(null);
        }
      } catch (RuntimeException e) {
        held.completeExceptionally(e);
      }
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    try {
      held.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("condition failed: " + e.getCause(), e.getCause());
    } finally {
      task.cancel(false);
    }
  }

  /** Waits until the wall-clock time {@code epochMillis} (at once if it has passed). */
  static void untilTime(long epochMillis) {
    long wait = epochMillis - System.currentTimeMillis();
    if (wait <= 0) {
      return;
    }
    CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS, CHECKER)).join();
  }
}
