package io.ciorelay.simulator;

import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What every API request goes through, in order: statistics, scripted responses, outage, random
 * 5xx, stall, latency, authentication, rate limit, then the endpoint's validation and the record
 * (and, in a lost-acknowledgement window, a dropped connection instead of the answer).
 *
 * <p>Concurrency: called on many Jetty threads at once. It holds no lock itself; faults are an
 * atomically swapped snapshot, the rate limiter and record each guard their own state, and
 * latency or stalls wait on a latch that {@link #release()} opens at shutdown, so no thread is
 * left waiting after close.
 */
final class ApiPipeline {
  private static final String RETRY_COUNT_HEADER = "X-Retry-Count";

  private final Faults faults;
  private final Records records;
  private final StatsRecorder stats;
  private final SlidingWindow limiter;
  private final LongSupplier ticker;
  private final Clock clock;
  private final Random random;
  private final byte[] expectedCredentials;
  private final String expectedHeader;
  private final CountDownLatch closing = new CountDownLatch(1);

  ApiPipeline(Faults faults, Records records, StatsRecorder stats, SlidingWindow limiter, LongSupplier ticker,
      Clock clock, Random random, String siteId, String apiKey) {
    this.faults = faults;
    this.records = records;
    this.stats = stats;
    this.limiter = limiter;
    this.ticker = ticker;
    this.clock = clock;
    this.random = random;
    this.expectedCredentials = (siteId + ":" + apiKey).getBytes(StandardCharsets.UTF_8);
    this.expectedHeader = "Basic " + Base64.getEncoder().encodeToString(expectedCredentials);
  }

  void release() {
    closing.countDown();
    faults.signalChange();
  }

  void handle(Context ctx, boolean v2, boolean authenticated, Endpoint endpoint) {
    long now = ticker.getAsLong();
    long arrivalMillis = clock.millis();
    int retryCount = stats.arrival(now, ctx.header(RETRY_COUNT_HEADER));

    ScriptedResponse scripted = faults.pollScripted();
    if (scripted != null) {
      for (Map.Entry<String, String> h : scripted.headers().entrySet()) {
        ctx.header(h.getKey(), h.getValue());
      }
      send(ctx, scripted.status(), scripted.bodyBytes());
      return;
    }
    Faults.State f = faults.state();
    boolean loseAcknowledgement = false;
    if (f.outageActive(now)) {
      OutageMode mode = f.outageMode();
      switch (mode) {
        case SERVICE_UNAVAILABLE -> send(ctx, 503, Responses.error(v2, "unavailable", "service unavailable"));
        case CONNECTION_RESET -> drop(ctx);
        case HANG_BEFORE_HEADERS -> {
          holdWhile(mode, now);
          drop(ctx);
        }
        case STALL_AFTER_HEADERS -> stallBody(ctx, mode, now);
        case NOT_FOUND -> sendHtml(ctx, 404, NOT_FOUND_PAGE);
        case REDIRECT -> {
          ctx.header("Location", ctx.scheme() + "://" + ctx.host() + "/moved" + ctx.path());
          sendHtml(ctx, 302, MOVED_PAGE);
        }
        case UNAUTHORIZED -> send(ctx, 401, Responses.error(v2, "unauthorized", "unauthorized: credentials refused"));
        case RATE_LIMITED, RATE_LIMITED_NO_RETRY_AFTER -> {
          if (mode == OutageMode.RATE_LIMITED) {
            long left = faults.outageRemainingNanos();
            ctx.header("Retry-After", Long.toString(Math.max(1, (left + 999_999_999L) / 1_000_000_000L)));
          }
          send(ctx, 429, Responses.error(v2, "rate_limited", "rate limit exceeded"));
        }
        case LOST_ACKNOWLEDGEMENT -> loseAcknowledgement = true;
        default -> throw new IllegalStateException("unhandled outage mode " + mode);
      }
      if (!loseAcknowledgement) {
        return;
      }
    }
    if (f.errorRate() > 0 && random.nextDouble() < f.errorRate()) {
      int status = f.errorStatus() != 0 ? f.errorStatus()
          : Faults.RANDOM_5XX[random.nextInt(Faults.RANDOM_5XX.length)];
      send(ctx, status, Responses.error(v2, "internal", "simulated server error"));
      return;
    }
    if (f.stallNanos() > 0) {
      pause(f.stallNanos());
      drop(ctx);
      return;
    }
    if (f.latencyNanos() > 0) {
      pause(f.latencyNanos());
    }
    if (authenticated && !authorized(ctx.header("Authorization"))) {
      send(ctx, 401, Responses.error(v2, "unauthorized", "unauthorized: check the site id and API key"));
      return;
    }
    int limit = f.rateLimit();
    long admittedAt = ticker.getAsLong();
    if (limit > 0 && !limiter.tryAcquire(admittedAt, limit)) {
      if (f.retryAfter()) {
        long wait = limiter.nanosUntilFree(admittedAt);
        ctx.header("Retry-After", Long.toString(Math.max(1, (wait + 999_999_999L) / 1_000_000_000L)));
      }
      send(ctx, 429, Responses.error(v2, "rate_limited", "rate limit exceeded"));
      return;
    }
    if (limit == 0) {
      limiter.record(admittedAt);
    }
    try {
      Endpoint.Result result = endpoint.handle(ctx, ctx.bodyAsBytes());
      if (!result.operations().isEmpty()) {
        stats.accepted(records.append(result.operations(), arrivalMillis, retryCount));
      }
      stats.rejected(result.rejected());
      if (loseAcknowledgement) {
        drop(ctx);
        return;
      }
      send(ctx, result.status(), result.body());
    } catch (Rejection r) {
      stats.rejected(r.rejectedOperations);
      if (loseAcknowledgement) {
        drop(ctx);
        return;
      }
      send(ctx, r.status, r.body);
    }
  }

  private static final byte[] NOT_FOUND_PAGE = ("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
      + "<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n")
      .getBytes(StandardCharsets.UTF_8);
  private static final byte[] MOVED_PAGE = ("<!DOCTYPE html>\n<html><head><title>302 Found</title></head>"
      + "<body><h1>Found</h1><p>The document has moved.</p></body></html>\n").getBytes(StandardCharsets.UTF_8);
  /** What a stalled body announces and what it sends before stalling. */
  static final int STALLED_CONTENT_LENGTH = 100;
  private static final byte[] STALLED_PREFIX = "{\"".getBytes(StandardCharsets.UTF_8);

  /**
   * Holds the calling request while an outage in this mode is open and for at least the hold
   * ({@link Faults#holdHeldRequests}) from its arrival, or until close.
   */
  private void holdWhile(OutageMode mode, long arrivedNanos) {
    try {
      while (closing.getCount() > 0) {
        Faults.State s = faults.state();
        long now = ticker.getAsLong();
        long holdLeft = arrivedNanos + faults.holdNanos() - now;
        boolean windowOpen = s.outageActive(now) && s.outageMode() == mode;
        if (!windowOpen && holdLeft <= 0) {
          return;
        }
        faults.awaitChange(Math.max(holdLeft, faults.outageRemainingNanos()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** 200 headers with a Content-Length, two bytes of body, nothing until the window ends, then a drop. */
  private void stallBody(Context ctx, OutageMode mode, long arrivedNanos) {
    stats.status(200);
    try {
      jakarta.servlet.http.HttpServletResponse res = ctx.res();
      res.setStatus(200);
      res.setContentType("application/json");
      res.setContentLength(STALLED_CONTENT_LENGTH);
      jakarta.servlet.ServletOutputStream out = res.getOutputStream();
      out.write(STALLED_PREFIX);
      out.flush();
    } catch (IOException e) {
      // The client went away; the drop below ends the exchange either way.
    }
    holdWhile(mode, arrivedNanos);
    drop(ctx);
  }

  private void sendHtml(Context ctx, int status, byte[] page) {
    ctx.status(status);
    ctx.contentType("text/html; charset=utf-8");
    ctx.result(page);
    stats.status(status);
  }

  boolean authorized(String header) {
    if (header == null) {
      return false;
    }
    if (header.equals(expectedHeader)) {
      return true;
    }
    if (header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(header.substring(6).trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(decoded, expectedCredentials);
  }

  private void send(Context ctx, int status, byte[] body) {
    ctx.status(status);
    if (body.length > 0) {
      ctx.contentType("application/json");
      ctx.result(body);
    }
    stats.status(status);
  }

  private void pause(long nanos) {
    try {
      closing.await(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes the connection without a response, as a crashed server or reset would. */
  private void drop(Context ctx) {
    stats.dropped();
    org.eclipse.jetty.server.Request base = org.eclipse.jetty.server.Request.getBaseRequest(ctx.req());
    if (base != null) {
      base.getHttpChannel().abort(new IOException("connection dropped by a simulated fault"));
    }
  }
}
