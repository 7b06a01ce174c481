package io.ciorelay.redis;

import io.ciorelay.delivery.outbox.OutboxException;

/**
 * The Redis store answers but is not this relay's to use as configured (another shard count, or
 * another workspace's keys under the same prefix): a configuration error, not an outage.
 */
public final class RedisStoreMismatchException extends OutboxException {
  private static final long serialVersionUID = 1L;

  RedisStoreMismatchException(String message) {
    super(message);
  }
}
