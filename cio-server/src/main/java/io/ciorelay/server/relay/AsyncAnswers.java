package io.ciorelay.server.relay;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes an answer to a request in asynchronous mode without blocking: the bytes go out through a
 * servlet {@link WriteListener}, so a client that does not read holds no thread. If the answer is
 * not taken within the response timeout (checked every 50 ms) the connection is aborted (counted
 * in {@code relay.http.response.timeouts}). Thread-safe.
 */
final class AsyncAnswers {
  private final Duration timeout;
  private final ScheduledExecutorService scheduler;
  private final Counter timeouts;
  private final Deadlines deadlines;

  AsyncAnswers(Duration timeout, ScheduledExecutorService scheduler, MeterRegistry registry) {
    this.timeout = timeout;
    this.scheduler = scheduler;
    // One sweep every 50 ms over the answers being written, not a timer per answer.
    this.deadlines = new Deadlines(timeout, Duration.ofMillis(50), scheduler, System::nanoTime);
    this.timeouts = Counter.builder("relay.http.response.timeouts")
        .description("Answers abandoned because the client did not read them within relay.response-timeout")
        .register(registry);
  }

  /** Starts writing {@code answer}; completes {@code done} when it is written, failed or abandoned. */
  void write(Context ctx, Acceptance.Answer answer, CompletableFuture<Void> done) {
    write(ctx, answer, done, System.nanoTime() + timeout.toNanos());
  }

  private void write(Context ctx, Acceptance.Answer answer, CompletableFuture<Void> done, long startBy) {
    if (!ctx.req().isAsyncStarted()) {
      // Javalin starts asynchronous mode right around asking for the future; until it has, a
      // write listener may not be set. Try again shortly (bounded by the response timeout).
      if (System.nanoTime() - startBy > 0) {
        done.complete(null);
        return;
      }
      scheduler.schedule(() -> write(ctx, answer, done, startBy), 1, TimeUnit.MILLISECONDS);
      return;
    }
    HttpServletResponse res = ctx.res();
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    res.setStatus(answer.status());
    answer.headers().forEach(res::setHeader);
    res.setContentType("application/json");
    res.setContentLength(bytes.length);
    deadlines.watch(new Deadlines.Watched() {
      @Override
      public boolean isDone() {
        return done.isDone();
      }

      @Override
      public void expire() {
        timeouts.increment();
        org.eclipse.jetty.server.Request base = org.eclipse.jetty.server.Request.getBaseRequest(ctx.req());
        if (base != null) {
          base.getHttpChannel().abort(new TimeoutException("answer not read within " + timeout.toMillis() + " ms"));
        }
        done.complete(null);
      }
    });
    try {
      ServletOutputStream out = res.getOutputStream();
      out.setWriteListener(new WriteListener() {
        private boolean written;

        @Override
        public void onWritePossible() throws IOException {
          while (out.isReady()) {
            if (written) {
              done.complete(null);
              return;
            }
            written = true;
            out.write(bytes);
          }
        }

        @Override
        public void onError(Throwable t) {
          done.complete(null);
        }
      });
    } catch (IOException | RuntimeException e) {
      done.complete(null);
    }
  }
}
