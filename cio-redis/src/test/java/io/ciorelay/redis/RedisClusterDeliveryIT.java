package io.ciorelay.redis;

/** The {@link RedisDeliveryIT} end-to-end deliveries (one relay, two relays sharing the store) on a three-master Redis Cluster. */
class RedisClusterDeliveryIT extends RedisDeliveryIT {
  @Override
  String redisUri() {
    return RedisTestCluster.sharedUri();
  }
}
