package io.ciorelay.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Opens a Lettuce client and connection for a {@link RedisStoreConfig}: {@link RedisClient} for
 * {@code redis://}, {@link RedisClusterClient} for {@code redis-cluster://}, with the store's
 * connection policy (see {@link RedisLink}). The one place that chooses between the two, so every
 * part of the store (outbox, limiter, fleet view, key removal) behaves the same on both.
 * Stateless; thread-safe.
 */
final class RedisConnections {
  /** Redirects ({@code MOVED}/{@code ASK}) one command may follow before it fails. */
  static final int MAX_REDIRECTS = 5;

  private RedisConnections() {}

  /** An open client and connection; {@link #close()} shuts both (and their threads) down. */
  record Opened<K, V>(ClientResources resources, AbstractRedisClient client, StatefulConnection<K, V> connection,
      RedisClusterAsyncCommands<K, V> async, RedisClusterCommands<K, V> sync) implements AutoCloseable {
    @Override
    public void close() {
      try {
        connection.close();
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Connects with the given codec (byte arrays for the store, strings for administration).
   *
   * @throws RuntimeException from Lettuce if no node answers (the client is shut down first)
   */
  static <K, V> Opened<K, V> open(RedisStoreConfig config, RedisCodec<K, V> codec) {
    ClientResources resources = ClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(1)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
        .build();
    ClientOptions options = ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
        .socketOptions(SocketOptions.builder().connectTimeout(config.commandTimeout()).keepAlive(true).build())
        .build();
    AbstractRedisClient client = null;
    try {
      if (config.cluster()) {
        RedisClusterClient cluster = RedisClusterClient.create(resources, config.clusterSeeds());
        client = cluster;
        cluster.setOptions(ClusterClientOptions.builder(options)
            .maxRedirects(MAX_REDIRECTS)
            .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                .enablePeriodicRefresh(RedisLink.CLUSTER_REFRESH_PERIOD)
                .enableAllAdaptiveRefreshTriggers()
                .refreshTriggersReconnectAttempts(3)
                .adaptiveRefreshTriggersTimeout(Duration.ofMillis(500))
                .build())
            .build());
        StatefulRedisClusterConnection<K, V> c = cluster.connect(codec);
        return new Opened<>(resources, cluster, c, c.async(), c.sync());
      }
      RedisClient single = RedisClient.create(resources, config.uri());
      client = single;
      single.setOptions(options);
      StatefulRedisConnection<K, V> c = single.connect(codec);
      return new Opened<>(resources, single, c, c.async(), c.sync());
    } catch (RuntimeException e) {
      if (client != null) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
      }
      resources.shutdown(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }
}
