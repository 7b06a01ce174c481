package io.ciorelay.delivery.send;

import io.ciorelay.client.ApiRequest;
import io.ciorelay.client.ApiResponse;
import io.ciorelay.client.CioTransportException;
import io.ciorelay.client.TrackClientConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends one request to Customer.io and bounds the whole exchange — connect, request, headers
 * <em>and</em> body — by one hard deadline. It never decides what an answer means (that is
 * {@link io.ciorelay.delivery.outcome.OutcomePolicy}).
 *
 * <p>Why by hand: the JDK's {@code HttpRequest.timeout} stops counting once the response headers
 * arrive, so a server that sends {@code 200} headers, two bytes of the body and then nothing holds
 * the request (and the delivery lane behind it) forever. Here a task on the injected
 * {@link Scheduler} fires at the deadline: it completes the future with a
 * {@link CioTransportException} whose {@link CioTransportException#timeout()} is true, cancels the
 * body subscription (which makes the JDK client close that connection instead of returning it
 * to the pool) and cancels the JDK exchange.
 *
 * <p>A body longer than {@link #DEFAULT_MAX_RESPONSE_BYTES} is not read to the end: the exchange
 * is aborted and fails (Customer.io's answers are a few kilobytes).
 *
 * <p>Thread-safe; share one instance per workspace. The future completes on an HTTP pool thread
 * or on the scheduler's thread (at the deadline). Credentials appear only in the
 * {@code Authorization} header, never in messages.
 */
public final class Sender implements Transport, AutoCloseable {
  /** Longest response body read. */
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 1 << 20;

  private final HttpClient http;
  private final String base;
  private final String authorization;
  private final Map<String, String> headers;
  private final String userAgent;
  private final Duration deadline;
  private final Scheduler scheduler;
  private final int maxResponseBytes;
  private volatile boolean closed;

  private Sender(TrackClientConfig config, Scheduler scheduler, int maxResponseBytes, String authorization,
      Map<String, String> headers) {
    this.http = config.newHttpClient();
    this.base = config.baseUrl().toString();
    this.authorization = authorization;
    this.headers = Map.copyOf(headers);
    this.userAgent = config.userAgent();
    this.deadline = config.requestTimeout();
    this.scheduler = scheduler;
    this.maxResponseBytes = maxResponseBytes;
  }

  /**
   * A sender for the workspace of {@code config}: its base URL, credentials, user agent, connect
   * timeout and executor; its request timeout becomes the hard deadline of each exchange.
   *
   * @throws NullPointerException if an argument is null
   */
  public static Sender create(TrackClientConfig config, Scheduler scheduler) {
    return new Sender(Objects.requireNonNull(config, "config"), Objects.requireNonNull(scheduler, "scheduler"),
        DEFAULT_MAX_RESPONSE_BYTES, config.credentials().basicAuthorization(), Map.of());
  }

  /**
   * A sender for a Data Pipelines source: {@code config}'s base URL (the Pipelines one), user agent,
   * timeouts and executor; HTTP Basic with {@code writeKey} as user and an empty password; and
   * {@code X-Strict-Mode: 1} on every request, so that Customer.io answers 400/401 instead of
   * a 200 that drops the calls.
   *
   * @throws NullPointerException if an argument is null
   */
  public static Sender pipelines(TrackClientConfig config, String writeKey, Scheduler scheduler) {
    Objects.requireNonNull(writeKey, "writeKey");
    String auth = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    return new Sender(Objects.requireNonNull(config, "config"), Objects.requireNonNull(scheduler, "scheduler"),
        DEFAULT_MAX_RESPONSE_BYTES, auth, Map.of("X-Strict-Mode", "1"));
  }

  /** The hard deadline of one exchange (the configured request timeout). */
  @Override
  public Duration deadline() {
    return deadline;
  }

  /** The full URL of {@code path} (e.g. {@code /api/v2/batch}) on this workspace's base URL. */
  @Override
  public URI url(String path) {
    return URI.create(base + path);
  }

  /**
   * Sends {@code request}; never throws. The future completes normally with any HTTP answer
   * whose body arrived in full before the deadline, and exceptionally with a
   * {@link CioTransportException} otherwise (timeout flag set when the deadline passed), or with
   * {@link IllegalStateException} after {@link #close()}.
   */
  @Override
  public CompletableFuture<ApiResponse> send(ApiRequest request) {
    CompletableFuture<ApiResponse> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new IllegalStateException("sender is closed"));
      return result;
    }
    AtomicReference<CappedBody> body = new AtomicReference<>();
    CompletableFuture<HttpResponse<byte[]>> exchange;
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(url(request.path()))
          .timeout(deadline)
          .header("Authorization", authorization)
          .header("Content-Type", "application/json")
          .header("Accept", "application/json")
          .header("User-Agent", userAgent);
      headers.forEach(b::header);
      b.method(request.method(), request.body() == null
          ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofByteArray(request.body()));
      exchange = http.sendAsync(b.build(), info -> {
        CappedBody s = new CappedBody(maxResponseBytes);
        body.set(s);
        return s;
      });
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return result;
    }
    Scheduler.Cancellable timer = scheduler.schedule(() -> {
      CioTransportException timeout = new CioTransportException(request.method() + " " + request.path()
          + " timed out (no complete answer within " + describe(deadline) + ")", null, true);
      if (result.completeExceptionally(timeout)) {
        CappedBody s = body.get();
        if (s != null) {
          s.abort();
        }
        exchange.cancel(true);
      }
    }, deadline);
    exchange.whenComplete((resp, error) -> {
      timer.cancel();
      if (error == null) {
        result.complete(new ApiResponse(resp.statusCode(), resp.headers().map(), resp.body()));
      } else {
        result.completeExceptionally(CioTransportException.of(request, error));
      }
    });
    return result;
  }

  /** Refuses later sends; requests in flight finish or meet their deadline. Idempotent. */
  @Override
  public void close() {
    closed = true;
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /**
   * Collects the body up to a cap; {@link #abort()} cancels the subscription, which closes the
   * connection. Called by the JDK client's threads and by the deadline task.
   */
  static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final HttpResponse.BodySubscriber<byte[]> delegate = HttpResponse.BodySubscribers.ofByteArray();
    private final int max;
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private volatile boolean aborted;
    private long received;
    private boolean failed;

    CappedBody(int max) {
      this.max = max;
    }

    void abort() {
      aborted = true;
      Flow.Subscription s = subscription.get();
      if (s != null) {
        s.cancel();
      }
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return delegate.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription.set(s);
      delegate.onSubscribe(s);
      if (aborted) {
        s.cancel();
      }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      if (failed) {
        return;
      }
      for (ByteBuffer b : item) {
        received += b.remaining();
      }
      if (received > max) {
        failed = true;
        abort();
        delegate.onError(new IOException("response body is over " + max + " bytes; not read further"));
        return;
      }
      delegate.onNext(item);
    }

    @Override
    public void onError(Throwable t) {
      if (!failed) {
        delegate.onError(t);
      }
    }

    @Override
    public void onComplete() {
      if (!failed) {
        delegate.onComplete();
      }
    }
  }
}
