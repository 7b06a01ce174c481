package io.ciorelay.spring;

import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.redis.RedisOutbox;
import io.ciorelay.redis.RedisRateLimiter;
import io.ciorelay.redis.RedisStoreConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code cio.store.*} onto {@link RedisStoreConfig.Builder}: the workspace's outbox and its
 * fleet-wide rate limiter live in Redis. Loaded only when {@code cio.store.uri} is set (cio-redis
 * is an optional dependency). Stateless.
 */
final class RedisBinding {
  private RedisBinding() {}

  static void apply(CioProperties.Store p, CustomerIoConfig config, CustomerIoConfig.Builder b,
      MeterRegistry registry, List<AutoCloseable> resources) {
    RedisStoreConfig.Builder rb = RedisStoreConfig.builder()
        .workspace(config.workspace())
        .identity(config.client().credentials().siteId() + "@" + config.client().baseUrl())
        .maxRequestTime(config.client().requestTimeout());
    set("cio.store.uri", p.getUri(), rb::uri);
    set("cio.store.prefix", p.getPrefix(), rb::prefix);
    set("cio.store.shards", p.getShards(), rb::shards);
    set("cio.store.lease-ttl", p.getLeaseTtl(), rb::leaseTtl);
    set("cio.store.poll-interval", p.getPollInterval(), rb::pollInterval);
    set("cio.store.command-timeout", p.getCommandTimeout(), rb::commandTimeout);
    set("cio.store.replicas-to-wait", p.getReplicasToWait(), rb::replicasToWait);
    set("cio.store.replica-timeout", p.getReplicaTimeout(), rb::replicaTimeout);
    set("cio.store.relay-id", p.getRelayId(), rb::relayId);
    if (registry != null) {
      rb.meterRegistry(registry);
    }
    RedisStoreConfig store;
    try {
      store = rb.build();
    } catch (IllegalArgumentException e) {
      String msg = String.valueOf(e.getMessage());
      String property = msg.startsWith("leaseTtl") ? "cio.store.lease-ttl" : "cio.store";
      throw new CioPropertyException(property, msg, e);
    }
    RedisRateLimiter limiter = RedisRateLimiter.create(store, config.rateLimit());
    resources.add(limiter);
    b.outboxFactory(RedisOutbox.factory(store)).rateLimiter(limiter);
  }

  private static <T> void set(String property, T value, Consumer<T> setter) {
    if (value == null) {
      return;
    }
    try {
      setter.accept(value);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new CioPropertyException(property, e.getMessage(), e);
    }
  }
}
