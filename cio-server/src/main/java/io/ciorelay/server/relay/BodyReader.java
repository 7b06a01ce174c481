package io.ciorelay.server.relay;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads every request body without holding a thread while the client is slow: a Javalin
 * before-handler starts the servlet's non-blocking read ({@link ReadListener}), and the route runs
 * only once the whole body is in memory — then its handler reads it from
 * {@code ctx.req().getInputStream()} as usual.
 *
 * <p>Limits: a body must be complete within {@link HttpLimits#bodyTimeout()} and, after its first
 * second, arrive at {@link HttpLimits#minBodyRate()} bytes/s or faster, else {@code 408} (checked
 * each second, counted in {@code relay.http.body.timeouts}); bodies held at once across all
 * requests are capped at {@link HttpLimits#maxBufferedBodyBytes()}, beyond which {@code 503} with
 * {@code Retry-After} (counted in {@code relay.http.body.budget.refusals}); a body over
 * {@code maxBodyBytes} is read and dropped (up to {@link JsonBodies#MAX_DRAIN_BYTES}, so the client
 * sees the answer) and answered {@code 413}. Every refusal closes the connection.
 *
 * <p>Thread-safe: the read callbacks run on the listener's threads, the deadline checks on the
 * shared scheduler (one sweep a second over every body being read); one atomic flag decides which
 * of them finishes a request.
 */
final class BodyReader {
  /** The request attribute set once the body is buffered: the body's bytes. */
  static final String BODY = "cio.body";

  private final HttpLimits limits;
  private final int maxBodyBytes;
  private final AtomicLong buffered = new AtomicLong();
  private final Counter timeouts;
  private final Counter budgetRefusals;

  BodyReader(HttpLimits limits, int maxBodyBytes, ScheduledExecutorService scheduler, MeterRegistry registry) {
    this.limits = limits;
    this.maxBodyBytes = maxBodyBytes;
    // One sweep a second over the bodies being read, rather than a task scheduled and cancelled
    // per request: scheduling cost more than reading a small body.
    scheduler.scheduleAtFixedRate(this::checkAll, 1, 1, TimeUnit.SECONDS);
    this.timeouts = Counter.builder("relay.http.body.timeouts")
        .description("Requests refused with 408: body too slow or not complete within relay.body-timeout").register(registry);
    this.budgetRefusals = Counter.builder("relay.http.body.budget.refusals")
        .description("Requests refused with 503: relay.max-buffered-body-bytes was in use").register(registry);
    io.micrometer.core.instrument.Gauge.builder("relay.http.body.buffered", buffered, AtomicLong::get)
        .description("Request body bytes held in memory").baseUnit("bytes").register(registry);
  }

  /** Bodies being read now, each checked once a second for its deadline and rate. */
  private final Set<Read> reading = ConcurrentHashMap.newKeySet();

  private void checkAll() {
    for (Read r : reading) {
      r.checkPace();
    }
  }

  /** Bytes of request bodies held in memory now. */
  long bufferedBytes() {
    return buffered.get();
  }

  /** The before-handler: buffers the body of a request that has one, without blocking. */
  void handle(Context ctx) {
    HttpServletRequest req = ctx.req();
    long declared = req.getContentLengthLong();
    boolean chunked = req.getHeader("Transfer-Encoding") != null;
    if (declared <= 0 && !chunked) {
      return;
    }
    ApiError.Shape shape = ctx.path().startsWith("/api/v1") ? ApiError.Shape.V1
        : ctx.path().startsWith("/api/v2") ? ApiError.Shape.V2 : ApiError.Shape.PLAIN;
    if (!chunked && declared <= SYNC_READ_MAX_BYTES && declared <= maxBodyBytes && readArrived(ctx, shape, (int) declared)) {
      return;
    }
    ctx.future(() -> new Read(ctx, shape, declared).start());
  }

  /**
   * The largest body read on the request thread when it has already arrived whole (with its
   * headers, in the connection's input buffer): reading it cannot block, and it costs no trip
   * through asynchronous mode. Such a body is bounded by the connection's buffer, not counted in
   * {@link #bufferedBytes()}.
   */
  static final int SYNC_READ_MAX_BYTES = 16 * 1024;

  /**
   * Reads a body of {@code declared} bytes if all of it is in memory already, without blocking;
   * installs it like a buffered read. False (nothing read) if any of it is still to come.
   */
  private static boolean readArrived(Context ctx, ApiError.Shape shape, int declared) {
    try {
      ServletInputStream in = ctx.req().getInputStream();
      if (in.available() < declared) {
        return false;
      }
      // All of it is buffered, so readNBytes returns at once (short only if the connection ended).
      byte[] body = in.readNBytes(declared);
      if (body.length < declared) {
        throw ApiError.of(400, shape, "unreadable_body", "body",
            "body: the connection ended after " + body.length + " of the " + declared + " bytes it declared");
      }
      install(ctx, body);
      return true;
    } catch (IOException e) {
      throw unreadable(shape, e);
    }
  }

  /** Puts the whole body in place of the request's stream and in {@link #BODY}; returns the wrapper. */
  private static Buffered install(Context ctx, byte[] body) {
    ServletRequestWrapper outer = (ServletRequestWrapper) ctx.req();
    Buffered b = new Buffered((HttpServletRequest) outer.getRequest(), body);
    outer.setRequest(b);
    ctx.attribute(BODY, body);
    return b;
  }

  private static ApiError unreadable(ApiError.Shape shape, Throwable t) {
    return ApiError.of(400, shape, "unreadable_body", "body", "body: the connection failed while the body was read ("
        + t.getClass().getSimpleName() + ")");
  }

  /** One body being read. */
  private final class Read implements ReadListener, AsyncListener {
    private final Context ctx;
    private final ApiError.Shape shape;
    private final long declared;
    private final long startNanos = System.nanoTime();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final byte[] chunk;
    private ServletInputStream in;
    private volatile Buffered installed;
    private byte[] buf;
    private int len;
    private long received;
    private long reserved;
    private boolean discarding;

    Read(Context ctx, ApiError.Shape shape, long declared) {
      this.ctx = ctx;
      this.shape = shape;
      this.declared = declared;
      this.chunk = new byte[(int) (declared > 0 ? Math.min(declared, 16 * 1024) : 16 * 1024)];
    }

    CompletableFuture<Void> start() {
      ctx.req().getAsyncContext().addListener(this);
      discarding = declared > maxBodyBytes;
      // Grown as bytes arrive (never allocated from the declared length alone), so a client that
      // declares a large body and sends nothing costs nothing.
      buf = discarding ? null : new byte[(int) Math.min(declared > 0 ? declared : maxBodyBytes, 16 * 1024)];
      reading.add(this);
      try {
        in = ctx.req().getInputStream();
        in.setReadListener(this);
      } catch (IOException | RuntimeException e) {
        onError(e);
      }
      return done;
    }

    @Override
    public void onDataAvailable() throws IOException {
      while (!finished.get() && in.isReady()) {
        int n = in.read(chunk);
        if (n < 0) {
          return;
        }
        received += n;
        if (discarding) {
          if (received > JsonBodies.MAX_DRAIN_BYTES) {
            fail(tooLarge());
          }
          continue;
        }
        if (len + n > maxBodyBytes) {
          discarding = true;
          release();
          buf = null;
          continue;
        }
        if (buffered.addAndGet(n) > limits.maxBufferedBodyBytes()) {
          buffered.addAndGet(-n);
          budgetRefusals.increment();
          fail(ApiError.unavailable(shape, "the relay is holding its limit of " + limits.maxBufferedBodyBytes()
              + " bytes of request bodies (relay.max-buffered-body-bytes); retry shortly", 1));
          return;
        }
        reserved += n;
        if (len + n > buf.length) {
          long cap = declared > 0 ? Math.min(declared, maxBodyBytes) : maxBodyBytes;
          buf = java.util.Arrays.copyOf(buf, (int) Math.min(cap, Math.max(buf.length * 2L, len + n)));
        }
        System.arraycopy(chunk, 0, buf, len, n);
        len += n;
      }
    }

    @Override
    public void onAllDataRead() {
      if (discarding) {
        fail(tooLarge());
        return;
      }
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      reading.remove(this);
      byte[] body = buf.length == len ? buf : java.util.Arrays.copyOf(buf, len);
      buf = null;
      installed = install(ctx, body);
      done.complete(null);
    }

    @Override
    public void onError(Throwable t) {
      fail(unreadable(shape, t));
    }

    /** Once a second: the body deadline and the minimum rate. */
    void checkPace() {
      long elapsed = System.nanoTime() - startNanos;
      if (elapsed > limits.bodyTimeout().toNanos()) {
        timeouts.increment();
        fail(ApiError.of(408, shape, "timeout", "body", "body: not complete within relay.body-timeout ("
            + limits.bodyTimeout().toMillis() + " ms); " + received + " bytes arrived"));
        return;
      }
      long afterGrace = elapsed - TimeUnit.SECONDS.toNanos(1);
      long rate = limits.minBodyRate();
      if (rate > 0 && afterGrace > 0 && received < rate * afterGrace / 1_000_000_000L) {
        timeouts.increment();
        fail(ApiError.of(408, shape, "timeout", "body", "body: arriving slower than relay.min-body-rate (" + rate
            + " bytes/s): " + received + " bytes in " + elapsed / 1_000_000 + " ms"));
      }
    }

    private ApiError tooLarge() {
      return new ApiError(413, shape, "too_large", List.of(new io.ciorelay.client.Violation("body",
          "body: request body is " + Math.max(declared, received) + " bytes or more; the limit is " + maxBodyBytes + " bytes",
          maxBodyBytes, Math.max(declared, received))), null);
    }

    private void fail(ApiError e) {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      reading.remove(this);
      release();
      ctx.header("Connection", "close");
      done.completeExceptionally(e);
    }

    private void release() {
      if (reserved > 0) {
        buffered.addAndGet(-reserved);
        reserved = 0;
      }
    }

    /** The answer is complete: drop every reference to the body, so a kept-alive connection holds none of it. */
    @Override
    public void onComplete(AsyncEvent event) {
      finished.set(true);
      reading.remove(this);
      release();
      buf = null;
      Buffered b = installed;
      if (b != null) {
        b.drop();
      }
      event.getSuppliedRequest().removeAttribute(BODY);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      // Javalin's own async timeout is off; the body deadline above applies.
    }

    @Override
    public void onError(AsyncEvent event) {
      onComplete(event);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this);
    }
  }

  /** The request with its body already in memory. */
  private static final class Buffered extends HttpServletRequestWrapper {
    private final int length;
    private volatile ByteArrayInputStream in;
    private final ServletInputStream stream;

    Buffered(HttpServletRequest request, byte[] body) {
      super(request);
      this.length = body.length;
      this.in = new ByteArrayInputStream(body);
      this.stream = new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int n) {
          return in.read(b, off, n);
        }

        @Override
        public byte[] readNBytes(int n) {
          ByteArrayInputStream s = in;
          byte[] out = new byte[Math.min(n, s.available())];
          int got = s.read(out, 0, out.length);
          return got == out.length ? out : java.util.Arrays.copyOf(out, Math.max(got, 0));
        }

        @Override
        public int available() {
          return in.available();
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new IllegalStateException("the body is already read");
        }
      };
    }

    @Override
    public ServletInputStream getInputStream() {
      return stream;
    }

    void drop() {
      in = new ByteArrayInputStream(new byte[0]);
    }

    @Override
    public long getContentLengthLong() {
      return length;
    }

    @Override
    public int getContentLength() {
      return length;
    }
  }
}
