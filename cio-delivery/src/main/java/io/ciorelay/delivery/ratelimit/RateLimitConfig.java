package io.ciorelay.delivery.ratelimit;

/**
 * The workspace's request limit and how much of it to use.
 *
 * <p>Defaults: a limit of {@value #DEFAULT_REQUESTS_PER_SECOND} requests/s (the figure most
 * sources give for the Track API; the current specification allows more, so raise it if your
 * workspace does) used at {@code 80 %} (the reference patterns' headroom), with bursts of at most
 * a tenth of a second's worth, so that no one-second window ever carries more than the limit.
 * Immutable and thread-safe.
 */
public final class RateLimitConfig {
  public static final double DEFAULT_REQUESTS_PER_SECOND = 100;
  public static final double DEFAULT_HEADROOM = 0.8;

  private final double requestsPerSecond;
  private final double headroom;

  private RateLimitConfig(double requestsPerSecond, double headroom) {
    this.requestsPerSecond = requestsPerSecond;
    this.headroom = headroom;
  }

  public static RateLimitConfig defaults() {
    return of(DEFAULT_REQUESTS_PER_SECOND, DEFAULT_HEADROOM);
  }

  /**
   * @param requestsPerSecond the workspace limit, in 0.1..100000
   * @param headroom          fraction of it to use, in (0, 1]
   */
  public static RateLimitConfig of(double requestsPerSecond, double headroom) {
    if (!(requestsPerSecond >= 0.1 && requestsPerSecond <= 100_000)) {
      throw new IllegalArgumentException(
          "requestsPerSecond must be in 0.1..100000 but was " + requestsPerSecond);
    }
    if (!(headroom > 0 && headroom <= 1)) {
      throw new IllegalArgumentException("headroom must be in (0, 1] but was " + headroom);
    }
    return new RateLimitConfig(requestsPerSecond, headroom);
  }

  public double requestsPerSecond() {
    return requestsPerSecond;
  }

  public double headroom() {
    return headroom;
  }

  /** The pace actually used: limit × headroom, requests per second. */
  public double effectiveRate() {
    return requestsPerSecond * headroom;
  }

  /**
   * Tokens the bucket may hold: a tenth of a second's worth, at least one, and never so many that
   * a full bucket plus one second of refill exceeds the limit.
   */
  public long burst() {
    long b = Math.max(1, (long) Math.floor(effectiveRate() / 10));
    long room = (long) Math.floor(requestsPerSecond - effectiveRate());
    return Math.max(1, Math.min(b, Math.max(1, room)));
  }

  @Override
  public String toString() {
    return "RateLimitConfig{requestsPerSecond=" + requestsPerSecond + ", headroom=" + headroom + '}';
  }
}
