package io.ciorelay.server.pipelines;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * The messageIds of calls the relay has stored recently, per workspace, so a client's retry of a
 * call already committed (Segment's clients re-send the same messageId) stores nothing new.
 *
 * <p>Best effort and in memory: a messageId is remembered only once its call is committed, for at
 * most {@link #DEFAULT_TTL} and {@link #DEFAULT_MAX_ENTRIES} entries (least recently used go
 * first), and forgotten when the relay restarts. A repeat that gets past it (two copies in flight
 * at once, a retry after a restart or after the window) is stored again; events, page and screen
 * views keep the id {@link MessageIds} derived from the messageId, so Customer.io drops the second
 * copy, and the other calls are idempotent (the same identify, merge or delete applied twice).
 * Thread-safe.
 */
public final class MessageIdGuard {
  /** How long a committed messageId is remembered: {@value #DEFAULT_TTL_MINUTES} minutes. */
  public static final long DEFAULT_TTL_MINUTES = 60;
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(DEFAULT_TTL_MINUTES);
  /** How many messageIds are remembered at most, across workspaces. */
  public static final long DEFAULT_MAX_ENTRIES = 200_000;

  private final Cache<String, Boolean> seen;

  public MessageIdGuard(Duration ttl, long maxEntries, com.github.benmanes.caffeine.cache.Ticker ticker) {
    this.seen = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maxEntries).ticker(ticker).build();
  }

  public static MessageIdGuard defaults() {
    return new MessageIdGuard(DEFAULT_TTL, DEFAULT_MAX_ENTRIES, com.github.benmanes.caffeine.cache.Ticker.systemTicker());
  }

  /** Whether a call with this messageId was committed for this workspace within the window. */
  public boolean seen(String workspace, String messageId) {
    return messageId != null && seen.getIfPresent(key(workspace, messageId)) != null;
  }

  /** Records a committed call's messageId (null is ignored). */
  public void committed(String workspace, String messageId) {
    if (messageId != null) {
      seen.put(key(workspace, messageId), Boolean.TRUE);
    }
  }

  private static String key(String workspace, String messageId) {
    return workspace + '\0' + messageId;
  }
}
