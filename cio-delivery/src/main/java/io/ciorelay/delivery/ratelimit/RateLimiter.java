package io.ciorelay.delivery.ratelimit;

/**
 * Paces requests to one workspace: a token per request, and a shared pause set when Customer.io
 * answers 429. Implementations are thread-safe; the local one lives in this process, a shared one
 * keeps a whole fleet under the workspace limit.
 */
public interface RateLimiter {

  /**
   * Takes one request token if one is available now.
   *
   * @return 0 if a token was taken; otherwise the nanoseconds to wait before trying again
   *     (including any pause in force)
   */
  long tryAcquire();

  /**
   * Nanoseconds until a token could be taken, without taking one (0 = now). Lets a sender wait
   * for its slot before choosing what to send, so the request carries everything queued by then.
   */
  long nanosUntilAvailable();

  /** Pauses every sender of this workspace until {@code epochMillis} (a later pause wins). */
  void pauseUntil(long epochMillis);

  /** The end of the pause in force, epoch ms, or 0 if none. */
  long pausedUntil();
}
