package io.ciorelay.redis;

import static io.ciorelay.redis.RedisLink.b;
import static io.ciorelay.redis.RedisLink.l;
import static io.ciorelay.redis.RedisLink.list;

import io.ciorelay.delivery.ratelimit.RateLimitConfig;
import io.ciorelay.delivery.ratelimit.RateLimiter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RateLimiter} shared by every relay of a workspace: one token bucket in Redis
 * ({@code {<prefix>:<workspace>}:rl}), taken from by a Lua script in one round trip, plus a shared
 * pause ({@code {<prefix>:<workspace>}:paused-until}, epoch ms) that every relay obeys.
 *
 * <p>Semantics mirror {@code LocalRateLimiter}: the bucket holds {@link RateLimitConfig#burst()}
 * tokens and refills greedily at {@code min(effectiveRate, requestsPerSecond - burst)} tokens per
 * second, so a full bucket plus one second of refill stays within the workspace limit for the whole
 * fleet. Time is Redis's ({@code TIME} inside the script), so relays' clocks may differ.
 *
 * <p>{@link #nanosUntilAvailable()} answers from the state the last script call returned and
 * asks Redis again only when that is older than 250 ms. While Redis is unreachable every call
 * answers "wait one second" (never an unpaced go-ahead) and a warning is logged once.
 *
 * <p>Time: pauses are epoch milliseconds of {@link RedisStoreConfig#clock()}, the cached state's
 * age and the reconnect pace are measured on {@link RedisStoreConfig#ticker()}; both are injected.
 *
 * <p>Thread-safe. Create with {@link #create}; {@link #close()} closes its connection.
 */
public final class RedisRateLimiter implements RateLimiter, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);
  /** What every call answers while Redis cannot be reached. */
  static final long UNREACHABLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private final RedisStoreConfig store;
  private final java.util.function.LongSupplier ticker;
  private final java.time.Clock clock;
  private volatile RedisLink link;
  private long nextConnectNanos;
  private final byte[][] keys;
  private final byte[] capacity;
  private final byte[] microsPerToken;
  private final double microsPerTokenValue;
  private final AtomicLong localPause = new AtomicLong();
  private volatile State last;
  private volatile boolean failing;
  private boolean closed;

  /** What the last script call said: when (nanoTime) a token is next available, and the pause. */
  private record State(long atNanos, long availableAtNanos, long pausedUntilMillis) {}

  private RedisRateLimiter(RedisStoreConfig store, RateLimitConfig config, RedisLink link) {
    this.store = store;
    this.ticker = store.ticker();
    this.clock = store.clock();
    this.last = new State(ticker.getAsLong() - REFRESH_NANOS * 2, 0, 0);
    this.link = link;
    WorkspaceKeys ws = new WorkspaceKeys(store.keyBase(), 0);
    this.keys = new byte[][] {ws.rateLimitBucket, ws.pausedUntil};
    long burst = config.burst();
    double rate = Math.min(config.effectiveRate(), config.requestsPerSecond() - burst);
    if (rate <= 0) {
      rate = config.effectiveRate();
    }
    this.microsPerTokenValue = 1_000_000d / rate;
    this.capacity = b(burst);
    this.microsPerToken = RedisLink.b(Double.toString(microsPerTokenValue));
  }

  /**
   * Connects to the store's Redis and returns the limiter of its workspace. Every relay of the
   * workspace must use the same {@link RateLimitConfig}.
   *
   * @throws io.ciorelay.delivery.outbox.OutboxException naming host and port if Redis cannot be reached
   */
  public static RedisRateLimiter create(RedisStoreConfig store, RateLimitConfig config) {
    Objects.requireNonNull(store, "store must not be null");
    Objects.requireNonNull(config, "config must not be null");
    RedisLink link;
    try {
      link = RedisLink.connect(store, "ratelimit");
    } catch (RedisUnreachableException e) {
      // Start anyway: every call waits (no unpaced request) and reconnects once a second.
      log.warn("shared rate limiter of {}: {}; retrying every second, no request goes out meanwhile",
          store.keyBase(), e.getMessage());
      link = null;
    }
    RedisRateLimiter limiter = new RedisRateLimiter(store, config, link);
    limiter.failing = link == null;
    limiter.nextConnectNanos = limiter.ticker.getAsLong() + UNREACHABLE_WAIT_NANOS;
    return limiter;
  }

  /** The connection, or null while none could be made (one attempt per second at most). */
  private RedisLink link() {
    RedisLink l = link;
    if (l != null) {
      return l;
    }
    synchronized (this) {
      if (link != null || ticker.getAsLong() < nextConnectNanos || closed) {
        return link;
      }
      nextConnectNanos = ticker.getAsLong() + UNREACHABLE_WAIT_NANOS;
      try {
        link = RedisLink.connect(store, "ratelimit");
      } catch (RedisUnreachableException e) {
        return null;
      }
      return link;
    }
  }

  @Override
  public long tryAcquire() {
    long now = clock.millis();
    long pause = Math.max(localPause.get(), last.pausedUntilMillis);
    if (pause > now) {
      return TimeUnit.MILLISECONDS.toNanos(pause - now);
    }
    List<Object> r = call(true, 0);
    if (r == null) {
      return UNREACHABLE_WAIT_NANOS;
    }
    return l(r.get(0)) == 1 ? 0 : Math.max(1, l(r.get(1)));
  }

  @Override
  public long nanosUntilAvailable() {
    long nowMillis = clock.millis();
    long pause = Math.max(localPause.get(), last.pausedUntilMillis);
    if (pause > nowMillis) {
      return TimeUnit.MILLISECONDS.toNanos(pause - nowMillis);
    }
    State s = last;
    long now = ticker.getAsLong();
    if (now - s.atNanos > REFRESH_NANOS) {
      if (call(false, 0) == null) {
        return UNREACHABLE_WAIT_NANOS;
      }
      s = last;
      now = ticker.getAsLong();
    }
    if (s.pausedUntilMillis > clock.millis()) {
      return TimeUnit.MILLISECONDS.toNanos(s.pausedUntilMillis - clock.millis());
    }
    return Math.max(0, s.availableAtNanos - now);
  }

  /** {@inheritDoc} Written to Redis at once (the later of the stored and the new pause wins). */
  @Override
  public void pauseUntil(long epochMillis) {
    localPause.accumulateAndGet(epochMillis, Math::max);
    // Sent as a duration: Redis adds it to its own clock, so relays' clocks need not agree.
    long forMillis = epochMillis - clock.millis();
    if (forMillis > 0) {
      call(false, forMillis);
    }
  }

  /** {@inheritDoc} As of the last script call, or this relay's own pause. */
  @Override
  public long pausedUntil() {
    long p = Math.max(localPause.get(), last.pausedUntilMillis);
    return p > clock.millis() ? p : 0;
  }

  /** Runs the bucket script; null if Redis could not be reached. */
  private List<Object> call(boolean take, long pauseForMillis) {
    long sent = ticker.getAsLong();
    List<Object> r;
    try {
      RedisLink l = link();
      if (l == null) {
        throw new RedisUnreachableException("not connected to Redis at " + store.hostAndPort());
      }
      r = list(l.await(l.eval(Script.RATE_LIMIT, keys, capacity, microsPerToken, b(take ? "1" : "0"),
          b(pauseForMillis)), "taking a request token"));
    } catch (RuntimeException e) {
      if (!failing) {
        failing = true;
        log.warn("shared rate limiter of {} cannot reach Redis ({}); pacing at one request per second per relay "
            + "until it is back", store.keyBase(), e.getMessage());
      }
      last = new State(sent, sent + UNREACHABLE_WAIT_NANOS, last.pausedUntilMillis);
      return null;
    }
    if (failing) {
      failing = false;
      log.info("shared rate limiter of {} reaches Redis again", store.keyBase());
    }
    long granted = l(r.get(0));
    long wait = l(r.get(1));
    long pauseLeft = l(r.get(2));
    long pause = pauseLeft > 0 ? clock.millis() + pauseLeft : 0;
    long millitokens = l(r.get(3));
    long availableAt;
    if (granted == 0 && wait > 0) {
      availableAt = sent + wait;
    } else if (millitokens >= 1000) {
      availableAt = sent;
    } else {
      availableAt = sent + (long) ((1000 - millitokens) / 1000d * microsPerTokenValue * 1000);
    }
    last = new State(sent, availableAt, pause);
    return r;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (link != null) {
        link.close();
      }
    }
  }

  @Override
  public String toString() {
    return "RedisRateLimiter{" + store.describe() + " " + store.keyBase() + "}";
  }
}
