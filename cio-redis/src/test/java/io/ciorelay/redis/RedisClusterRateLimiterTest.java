package io.ciorelay.redis;

/** The {@link RedisRateLimiterTest} shared rate limiter tests on a three-master Redis Cluster. */
class RedisClusterRateLimiterTest extends RedisRateLimiterTest {
  @Override
  String redisUri() {
    return RedisTestCluster.sharedUri();
  }
}
