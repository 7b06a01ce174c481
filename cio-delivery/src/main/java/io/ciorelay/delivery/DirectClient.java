package io.ciorelay.delivery;

import io.ciorelay.client.ApiRequest;
import io.ciorelay.client.ApiResponse;
import io.ciorelay.client.Limits;
import io.ciorelay.client.Operation;
import io.ciorelay.client.Violation;
import io.ciorelay.delivery.internal.BreakerFeedback;
import io.ciorelay.delivery.internal.HealthTracker;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.outcome.Action;
import io.ciorelay.delivery.outcome.OutcomePolicy;
import io.ciorelay.delivery.outcome.Request;
import io.ciorelay.delivery.ratelimit.RateLimiter;
import io.ciorelay.delivery.retry.Backoff;
import io.ciorelay.delivery.send.Scheduler;
import io.ciorelay.delivery.send.Transport;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The synchronous view of {@link CustomerIo}: sends one operation to {@code POST /api/v2/entity}
 * inline, behind the same circuit breaker and rate limiter, with a short retry budget. When the
 * breaker is open, Customer.io is rate-limiting, the credentials are refused, or the retry budget
 * is spent, the operation goes to the outbox (same event id) and the call reports
 * {@link Result.Status#QUEUED} instead of failing. An operation Customer.io refuses as invalid is
 * reported {@link Result.Status#REJECTED} with Customer.io's message and not queued. With
 * {@link Api#PIPELINES} every operation is queued ({@link Result.Status#QUEUED}): the Pipelines API
 * has no single-operation endpoint this view sends to.
 *
 * <p>Default budget: at most 3 attempts and 2 s of backoff in the caller's thread, plus the
 * request timeout per attempt. Ordering note: a direct send overtakes queued operations of the
 * same person; use the asynchronous calls when strict per-person order matters.
 *
 * <p>Thread-safe; blocks the calling thread for at most the budget above.
 */
public final class DirectClient {
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_BACKOFF_BUDGET = Duration.ofSeconds(2);

  /** The outcome of a direct call. */
  public record Result(Status status, String eventId, String message, int attempts, Receipt receipt) {

    /** DELIVERED inline, QUEUED to the outbox, or REJECTED. */
    public enum Status {
      DELIVERED,
      QUEUED,
      REJECTED
    }
  }

  /** What the direct path is built from: the same parts as queued delivery. */
  record Parts(Transport sender, CircuitBreaker breaker, RateLimiter limiter, Backoff backoff, Clock clock,
      LongSupplier ticker, Scheduler scheduler, HealthTracker health, DeliveryMetrics metrics, UnaryOperator<Operation> stamp,
      Function<Operation, Receipt> queue, BooleanSupplier closing, boolean inline) {}

  private final Parts parts;

  DirectClient(Parts parts) {
    this.parts = parts;
  }

  /** Sends {@code operation} inline, or queues it; never throws for delivery reasons. */
  public Result send(Operation operation) {
    if (operation == null) {
      return new Result(Result.Status.REJECTED, null, "operation must not be null", 0, null);
    }
    if (parts.closing().getAsBoolean()) {
      return new Result(Result.Status.REJECTED, null, "closed: no longer accepting operations", 0, null);
    }
    Operation op;
    try {
      op = parts.stamp().apply(operation);
      List<Violation> v = Limits.check(op);
      if (!v.isEmpty()) {
        Receipt r = parts.queue().apply(op); // counts the rejection by reason
        return new Result(Result.Status.REJECTED, null,
            r.rejection() == null ? String.valueOf(v) : r.rejection().message(), 0, r);
      }
    } catch (RuntimeException e) {
      return new Result(Result.Status.REJECTED, null, String.valueOf(e.getMessage()), 0, null);
    }
    if (!parts.inline()) {
      return queue(op, 0, "direct sends go through the outbox with the Pipelines API");
    }
    byte[] body = op.toJson();
    long backoffLeft = DEFAULT_BACKOFF_BUDGET.toMillis();
    int attempts = 0;
    String lastError = null;
    while (attempts < DEFAULT_MAX_ATTEMPTS) {
      if (!parts.breaker().tryAcquirePermission()) {
        return queue(op, attempts, "circuit breaker " + parts.breaker().getState());
      }
      long wait = parts.limiter().tryAcquire();
      if (wait > 0) {
        parts.breaker().releasePermission();
        return queue(op, attempts, "rate limit: next request slot in " + TimeUnit.NANOSECONDS.toMillis(wait) + " ms");
      }
      attempts++;
      long start = parts.ticker().getAsLong();
      Action action;
      Throwable error = null;
      Request request = Request.single(Request.Kind.V2_ENTITY, "POST", parts.sender().url("/api/v2/entity"));
      try {
        // The sender ends the exchange at its deadline; the bound here only guards against a lost completion.
        CompletableFuture<ApiResponse> f = parts.sender().send(new ApiRequest("POST", "/api/v2/entity", body));
        ApiResponse response = f.get(parts.sender().deadline().toMillis() + 1000, TimeUnit.MILLISECONDS);
        action = OutcomePolicy.decide(request, response, parts.clock().instant());
      } catch (ExecutionException e) {
        error = e.getCause();
        action = OutcomePolicy.decide(request, error);
      } catch (TimeoutException e) {
        error = e;
        action = OutcomePolicy.decide(request, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        parts.breaker().releasePermission();
        return queue(op, attempts, "interrupted");
      }
      long elapsed = parts.ticker().getAsLong() - start;
      Duration latency = Duration.ofNanos(elapsed);
      parts.metrics().request(action.tag(), latency);
      BreakerFeedback.record(parts.breaker(), action, elapsed, error);
      if (action instanceof Action.Acknowledge) {
        parts.metrics().delivered(1);
        parts.health().success(1);
        return new Result(Result.Status.DELIVERED, op.id(), null, attempts, null);
      } else if (action instanceof Action.Partial p) {
        parts.health().success(0);
        String why = p.refused().isEmpty() ? p.reason() : p.refused().get(0).reason();
        return new Result(Result.Status.REJECTED, op.id(), why, attempts, null);
      } else if (action instanceof Action.DeadLetter || action instanceof Action.Split) {
        return new Result(Result.Status.REJECTED, op.id(), action.reason(), attempts, null);
      } else if (action instanceof Action.PauseCredentials) {
        parts.health().authFailure(action.reason());
        return queue(op, attempts, action.reason());
      } else if (action instanceof Action.PauseEndpoint) {
        parts.health().endpointFailure(action.reason());
        return queue(op, attempts, action.reason());
      } else if (action instanceof Action.PauseRateLimit rl) {
        parts.metrics().rateLimitPause();
        long until = parts.clock().millis() + parts.backoff().delay(1, rl.retryAfter()).toMillis();
        parts.limiter().pauseUntil(until);
        return queue(op, attempts, action.reason());
      } else if (action instanceof Action.RetryAfter r) {
        if (r.timeout()) {
          parts.health().timeout(r.reason());
        } else {
          parts.health().failure(r.reason());
        }
        lastError = r.reason();
        long delay = parts.backoff().delay(attempts, r.delayHint()).toMillis();
        if (attempts >= DEFAULT_MAX_ATTEMPTS || delay > backoffLeft) {
          return queue(op, attempts, lastError);
        }
        backoffLeft -= delay;
        if (!waitFor(Duration.ofMillis(delay))) {
          return queue(op, attempts, lastError);
        }
      } else {
        throw new IllegalStateException("unknown action " + action);
      }
    }
    return queue(op, attempts, lastError);
  }

  /** Waits {@code d} on the injected scheduler; false if interrupted. */
  private boolean waitFor(Duration d) {
    CompletableFuture<Void> due = new CompletableFuture<>();
    parts.scheduler().schedule(() -> due.complete(null), d);
    try {
      due.get(d.toMillis() + 1000, TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return true;
    }
  }

  private Result queue(Operation op, int attempts, String why) {
    Receipt r = parts.queue().apply(op);
    if (r.status() == Receipt.Status.SKIPPED) {
      return new Result(Result.Status.QUEUED, op.id(), why + "; an identical identify is already queued", attempts, r);
    }
    if (!r.isAccepted()) {
      return new Result(Result.Status.REJECTED, op.id(),
          "could not deliver (" + why + ") and could not queue: " + r.rejection().message(), attempts, r);
    }
    return new Result(Result.Status.QUEUED, op.id(), why, attempts, r);
  }
}
