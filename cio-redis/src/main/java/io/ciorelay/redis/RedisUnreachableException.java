package io.ciorelay.redis;

import io.ciorelay.delivery.outbox.OutboxException;

/** Redis could not be connected to (as opposed to answering with an error). The message names host and port, never the password. */
public final class RedisUnreachableException extends OutboxException {
  private static final long serialVersionUID = 1L;

  RedisUnreachableException(String message) {
    super(message);
  }
}
