package io.ciorelay.redis;

/**
 * The {@link RedisOutboxTest} contract on a three-master Redis Cluster ({@code redis-cluster://}):
 * every script runs on the master of the workspace's slot with every key it touches passed in
 * {@code KEYS}.
 */
class RedisClusterOutboxTest extends RedisOutboxTest {
  @Override
  String redisUri() {
    return RedisTestCluster.sharedUri();
  }
}
