package io.ciorelay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link RedisScriptCacheTest} on a Redis Cluster: the master of the workspace's slot lost its
 * scripts (a promoted replica or a restarted node that never saw {@code SCRIPT LOAD}; here
 * {@code SCRIPT FLUSH} on it). An append answered {@code NOSCRIPT} is refused, not re-sent; the
 * scripts are loaded again (first over the connection the appends use), and the next append goes
 * in behind nothing. A private cluster, so flushing touches no other test.
 */
class RedisClusterScriptCacheTest extends RedisScriptCacheTest {
  LocalRedisCluster cluster;

  @Override
  String startRedis() {
    cluster = RedisTestCluster.startPrivate(3, 0);
    return cluster.uri();
  }

  @Override
  void flushScripts() {
    assertEquals("OK", cluster.call(cluster.masterOf(store.keyBase()), c -> c.scriptFlush()));
  }

  @Override
  void stopRedis() {
    cluster.close();
  }
}
