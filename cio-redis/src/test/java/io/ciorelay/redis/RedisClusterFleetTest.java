package io.ciorelay.redis;

/** The {@link RedisFleetTest} ownership, hand-over, crash take-over and lost-lease tests on a three-master Redis Cluster. */
class RedisClusterFleetTest extends RedisFleetTest {
  @Override
  String redisUri() {
    return RedisTestCluster.sharedUri();
  }
}
