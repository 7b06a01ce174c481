package io.ciorelay.server.relay;

import io.ciorelay.client.Violation;
import io.ciorelay.delivery.Receipt;
import io.ciorelay.delivery.Rejection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Turns the library's receipts into the relay's answers: a refusal becomes 400 (invalid, naming the
 * field and limit) or 503 with {@code Retry-After} (outbox full, shutting down, store failing); an
 * acceptance is confirmed only once every operation is committed to disk, within the durability
 * timeout, else 503. Thread-safe.
 */
final class Acceptance {
  private final Duration durableTimeout;
  private final int retryAfterSeconds;
  private final BooleanSupplier accepting;

  private final java.util.concurrent.Executor responder;
  private final AsyncAnswers writer;

  private final Deadlines durableDeadlines;

  Acceptance(Duration durableTimeout, int retryAfterSeconds, BooleanSupplier accepting,
      java.util.concurrent.Executor responder, AsyncAnswers writer,
      java.util.concurrent.ScheduledExecutorService sweeper) {
    this.responder = responder;
    this.durableDeadlines = new Deadlines(durableTimeout, Duration.ofMillis(50), sweeper, System::nanoTime);
    this.writer = writer;
    this.durableTimeout = durableTimeout;
    this.retryAfterSeconds = retryAfterSeconds;
    this.accepting = accepting;
  }

  /** @throws ApiError 503 if the relay is shutting down */
  void requireAccepting(ApiError.Shape shape) {
    if (!accepting.getAsBoolean()) {
      throw ApiError.unavailable(shape, "the relay is shutting down; retry against another instance or later",
          retryAfterSeconds);
    }
  }

  /** The error for a refused receipt. */
  ApiError refusal(Rejection r, ApiError.Shape shape) {
    return switch (r.reason()) {
      case INVALID -> new ApiError(400, shape, "invalid", r.violations().isEmpty()
          ? List.of(new Violation("", r.message(), -1, -1)) : r.violations(), null);
      case FULL -> ApiError.unavailable(shape, "the relay's outbox is full: " + r.message(), retryAfterSeconds);
      case CLOSED -> ApiError.unavailable(shape, "the relay is shutting down", retryAfterSeconds);
      case FAILED -> ApiError.unavailable(shape, "the relay cannot store operations: " + r.message(), retryAfterSeconds);
    };
  }

  /** Throws the refusal of the first refused receipt, if any. */
  void requireAccepted(List<Receipt> receipts, ApiError.Shape shape) {
    for (Receipt r : receipts) {
      if (r.status() == Receipt.Status.REJECTED) {
        throw refusal(r.rejection(), shape);
      }
    }
  }

  /** An answer to write: status, JSON body and extra headers. */
  record Answer(int status, String body, java.util.Map<String, String> headers) {
    static final Answer OK = new Answer(200, "{}", java.util.Map.of());

    static Answer of(ApiError e) {
      return new Answer(e.status, e.body(), e.headers());
    }
  }

  /**
   * Answers {@code ctx} once every receipt is durable, without holding a request thread meanwhile:
   * {@code onDurable} gives the success answer; a failed commit or the durability timeout answers
   * 503 with {@code Retry-After}. The answer is written without blocking (a servlet
   * {@link jakarta.servlet.WriteListener}); a client that does not read it within the response
   * timeout has its connection closed. No thread waits on a slow reader.
   *
   * <p>One hand-off per request: the commit's completion (on the outbox's thread) only counts down,
   * and the last of the commits and the request's hand-over to asynchronous mode passes the answer
   * to a responder thread. The durability timeout is one sweep over all requests
   * ({@link Deadlines}), not a timer per request.
   */
  void respondWhenDurable(io.javalin.http.Context ctx, List<Receipt> receipts, ApiError.Shape shape,
      java.util.function.Supplier<Answer> onDurable) {
    Pending p = new Pending(ctx, shape, onDurable, receipts.size());
    durableDeadlines.watch(p);
    for (Receipt r : receipts) {
      // Runs on the thread that completes the commit: only a count-down and, for the last one, a
      // hand-off to the responder; never the answer itself.
      r.durable(Runnable::run).thenAccept(p::committed);
    }
    // The answer is written only once the request is handed over to asynchronous mode (Javalin
    // asks for the future after the handler returns): a commit that is already done must not
    // race the request thread and write before the response may be written asynchronously.
    ctx.future(() -> {
      p.handOver();
      return p.answered;
    });
  }

  /** One request waiting for its commits. */
  private final class Pending implements Deadlines.Watched {
    private final io.javalin.http.Context ctx;
    private final ApiError.Shape shape;
    private final java.util.function.Supplier<Answer> onDurable;
    private final java.util.concurrent.atomic.AtomicInteger commits;
    private final java.util.concurrent.atomic.AtomicInteger outcome = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean handedOver;
    final CompletableFuture<Void> answered = new CompletableFuture<>();

    private static final int UNDECIDED = 0;
    private static final int DURABLE = 1;
    private static final int NOT_CONFIRMED = 2;

    Pending(io.javalin.http.Context ctx, ApiError.Shape shape, java.util.function.Supplier<Answer> onDurable, int n) {
      this.ctx = ctx;
      this.shape = shape;
      this.onDurable = onDurable;
      this.commits = new java.util.concurrent.atomic.AtomicInteger(n);
      if (n == 0) {
        outcome.set(DURABLE);
      }
    }

    void committed(boolean ok) {
      if (!ok) {
        decide(NOT_CONFIRMED);
      } else if (commits.decrementAndGet() == 0) {
        decide(DURABLE);
      }
    }

    void handOver() {
      handedOver = true;
      startAnswer();
    }

    @Override
    public boolean isDone() {
      return outcome.get() != UNDECIDED;
    }

    @Override
    public void expire() {
      decide(NOT_CONFIRMED);
    }

    private void decide(int o) {
      if (outcome.compareAndSet(UNDECIDED, o)) {
        startAnswer();
      }
    }

    /** Called by both sides; the second to arrive (answer decided and request handed over) hands off. */
    private void startAnswer() {
      if (outcome.get() == UNDECIDED || !handedOver || !started.compareAndSet(false, true)) {
        return;
      }
      try {
        responder.execute(this::write);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        answered.complete(null);
      }
    }

    private void write() {
      try {
        Answer a = outcome.get() == DURABLE ? onDurable.get() : Answer.of(ApiError.unavailable(shape,
            "the operation was not confirmed on disk within " + durableTimeout.toMillis()
            + " ms; retry (event ids make the retry safe)", retryAfterSeconds));
        writer.write(ctx, a, answered);
      } catch (RuntimeException e) {
        answered.completeExceptionally(e);
      }
    }
  }
}
