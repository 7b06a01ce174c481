package io.ciorelay.delivery;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * What a {@link CustomerIo} call did with an operation, returned at once: accepted (with the
 * event's ULID when it is an event), skipped (an unchanged identify inside the dedup window), or
 * rejected (with the specific reason). Never throws. Thread-safe.
 */
public final class Receipt {
  /**
   * Where callers' continuations run. The JDK's own default for {@code *Async} without an executor
   * starts a new thread for every task when the common pool has one thread (on one or two cores):
   * a thread per call to {@link #durable()}. A cached pool keeps that default's promise (a
   * continuation that blocks never holds up the others) and reuses its idle threads.
   */
  static final java.util.concurrent.Executor CALLBACKS = callbacks(java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());

  static java.util.concurrent.Executor callbacks(int commonPoolParallelism) {
    if (commonPoolParallelism > 1) {
      return java.util.concurrent.ForkJoinPool.commonPool();
    }
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return new java.util.concurrent.ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
        new java.util.concurrent.SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "cio-callback-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** The three answers a call can get. */
  public enum Status {
    ACCEPTED,
    SKIPPED,
    REJECTED
  }

  private final Status status;
  private final String eventId;
  private final Rejection rejection;
  private final CompletableFuture<Long> committed;
  private final Supplier<CompletableFuture<DeliveryOutcome>> delivered;

  private Receipt(Status status, String eventId, Rejection rejection, CompletableFuture<Long> committed,
      Supplier<CompletableFuture<DeliveryOutcome>> delivered) {
    this.status = status;
    this.eventId = eventId;
    this.rejection = rejection;
    this.committed = committed;
    this.delivered = delivered;
  }

  static Receipt accepted(String eventId, CompletableFuture<Long> committed,
      Supplier<CompletableFuture<DeliveryOutcome>> delivered) {
    return new Receipt(Status.ACCEPTED, eventId, null, Objects.requireNonNull(committed), delivered);
  }

  static Receipt skipped() {
    return new Receipt(Status.SKIPPED, null, null, null, null);
  }

  static Receipt rejected(Rejection rejection) {
    return new Receipt(Status.REJECTED, null, rejection, null, null);
  }

  public Status status() {
    return status;
  }

  public boolean isAccepted() {
    return status == Status.ACCEPTED;
  }

  /** The ULID sent as the event's {@code id} (the same on every retry), or null for non-events and refusals. */
  public String eventId() {
    return eventId;
  }

  /** Why the call was refused, or null. */
  public Rejection rejection() {
    return rejection;
  }

  /**
   * Completes with {@code true} once the operation is committed to the outbox (it then survives a
   * crash), or {@code false} if it was not accepted or its commit failed. Never completes
   * exceptionally. Continuations run on the common fork-join pool — or, where it has a single
   * thread (one- and two-core machines), on a pool of reused daemon threads named
   * {@code cio-callback} — never on the outbox writer or the dispatcher.
   */
  public CompletableFuture<Boolean> durable() {
    if (committed == null) {
      return CompletableFuture.completedFuture(status == Status.SKIPPED);
    }
    // Async: the caller's continuations must not run on (and block) the outbox writer.
    return committed.handleAsync((seq, err) -> err == null, CALLBACKS);
  }

  /**
   * Like {@link #durable()}, with continuations run on {@code executor} (for servers that answer
   * from the commit without a thread waiting per request).
   */
  public CompletableFuture<Boolean> durable(java.util.concurrent.Executor executor) {
    if (committed == null) {
      return CompletableFuture.completedFuture(status == Status.SKIPPED);
    }
    return committed.handleAsync((seq, err) -> err == null, executor);
  }

  /**
   * Waits up to {@code timeout} for the commit, in the calling thread (no callback hop); true once
   * the operation is on disk, false if it was not accepted, its commit failed, or time ran out.
   */
  public boolean awaitDurable(Duration timeout) {
    if (committed == null) {
      return status == Status.SKIPPED;
    }
    try {
      committed.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  /**
   * Completes when the operation is delivered or dead-lettered (in this process's lifetime).
   * Call it only when you need it: watching costs a little memory per operation until it finishes.
   * Continuations run where {@link #durable()}'s do. A dead letter replayed later is followed: the
   * receipt completes when the replayed operation is delivered or dead-lettered again. Limit: an
   * operation that was dead-lettered and then purged before this is called reports DELIVERED (the
   * outbox keeps no record of purged dead letters).
   */
  public CompletableFuture<DeliveryOutcome> delivered() {
    if (status == Status.SKIPPED) {
      return CompletableFuture.completedFuture(DeliveryOutcome.DELIVERED);
    }
    if (delivered == null) {
      return CompletableFuture.completedFuture(new DeliveryOutcome(
          DeliveryOutcome.Status.NOT_STORED, rejection == null ? "not accepted" : rejection.message()));
    }
    // Async: the caller's continuations must not run on (and block) the dispatcher.
    return delivered.get().thenApplyAsync(o -> o, CALLBACKS);
  }

  @Override
  public String toString() {
    return switch (status) {
      case ACCEPTED -> "Receipt{ACCEPTED" + (eventId == null ? "" : ", eventId=" + eventId) + '}';
      case SKIPPED -> "Receipt{SKIPPED}";
      case REJECTED -> "Receipt{REJECTED, " + rejection.reason() + ": " + rejection.message() + '}';
    };
  }
}
