package io.ciorelay.server.relay;

import io.ciorelay.client.Violation;
import io.ciorelay.delivery.Receipt;
import io.ciorelay.delivery.Rejection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

  Acceptance(Duration durableTimeout, int retryAfterSeconds, BooleanSupplier accepting,
      java.util.concurrent.Executor responder, AsyncAnswers writer) {
    this.responder = responder;
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
   */
  void respondWhenDurable(io.javalin.http.Context ctx, List<Receipt> receipts, ApiError.Shape shape,
      java.util.function.Supplier<Answer> onDurable) {
    CompletableFuture<?>[] all = new CompletableFuture<?>[receipts.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = receipts.get(i).durable(responder).thenAccept(ok -> {
        if (!ok) {
          throw new java.util.concurrent.CompletionException(new IllegalStateException("commit failed"));
        }
      });
    }
    CompletableFuture<Void> answered = new CompletableFuture<>();
    // The answer is written only once the request is handed over to asynchronous mode (Javalin
    // asks for the future after the handler returns): a commit that is already done must not
    // race the request thread and write before the response may be written asynchronously.
    CompletableFuture<Void> handedOver = new CompletableFuture<>();
    CompletableFuture.allOf(all)
        .orTimeout(durableTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((v, err) -> err == null ? java.util.Optional.<Throwable>empty() : java.util.Optional.of(err))
        .thenCombine(handedOver, (err, x) -> err)
        .thenAcceptAsync(failure -> {
          Throwable err = failure.orElse(null);
          try {
            Answer a = err == null ? onDurable.get() : Answer.of(ApiError.unavailable(shape,
                "the operation was not confirmed on disk within " + durableTimeout.toMillis()
                + " ms; retry (event ids make the retry safe)", retryAfterSeconds));
            writer.write(ctx, a, answered);
          } catch (RuntimeException e) {
            answered.completeExceptionally(e);
          }
        }, responder);
    ctx.future(() -> {
      handedOver.complete(null);
      return answered;
    });
  }
}
