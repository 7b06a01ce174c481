package io.ciorelay.redis;

/** The {@link RedisFleetViewTest} fleet view tests on a three-master Redis Cluster. */
class RedisClusterFleetViewTest extends RedisFleetViewTest {
  @Override
  String redisUri() {
    return RedisTestCluster.sharedUri();
  }
}
