package io.ciorelay.server.webhook;

/**
 * The forwarder's retry delay, as one pure function: {@code base * 2^(attempt-1)} capped at
 * {@code cap}, minus up to {@code jitter} of it at random. Stateless and thread-safe.
 */
final class Backoff {
  private Backoff() {}

  /**
   * The delay before retrying after the {@code attempt}-th failure.
   *
   * @param attempt failures so far, at least 1
   * @param baseMillis delay after the first failure
   * @param capMillis largest delay
   * @param jitter fraction 0..1 that may be taken off
   * @param random a uniform value in [0, 1)
   */
  static long delayMillis(int attempt, long baseMillis, long capMillis, double jitter, double random) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1 but was " + attempt);
    }
    int shift = Math.min(attempt - 1, 40);
    long delay = baseMillis > (capMillis >> shift) ? capMillis : Math.min(capMillis, baseMillis << shift);
    return Math.max(1, delay - (long) (delay * jitter * random));
  }
}
