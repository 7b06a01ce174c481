package io.ciorelay.redis;

import static io.ciorelay.redis.RedisOutboxTest.outboxConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.health.Health;
import io.ciorelay.delivery.health.HealthStatus;
import io.ciorelay.delivery.outbox.Outbox;
import org.junit.jupiter.api.Test;

/**
 * At open the store checks Redis' {@code maxmemory-policy}: anything but {@code noeviction} may
 * drop leases, limiter keys and pending entries, so health is DEGRADED with the reason. Runs on
 * private {@code redis-server} children (the shared Redis is never reconfigured).
 */
class RedisEvictionPolicyTest {

  static RedisStoreConfig store(RedisTestServer server) {
    return RedisStoreConfig.builder().uri(server.uri()).prefix(RedisTestServer.prefix()).workspace("ws").shards(4)
        .backgroundPolling(false).build();
  }

  @Test
  void aRedisThatMayEvictKeysIsReportedAsAWarningAndHealthIsDegraded() {
    RedisTestServer server = RedisTestServer.startPrivate(null, "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru");
    try {
      RedisStoreConfig store = store(server);
      try (RedisOutbox outbox = RedisOutbox.open(store, outboxConfig().build())) {
        String warning = outbox.stats().warning();
        assertTrue(warning != null && warning.contains("maxmemory-policy allkeys-lru") && warning.contains("noeviction"),
            "warning names the policy and the fix: " + warning);
        assertTrue(warning.contains("127.0.0.1:" + server.port()), warning);
      }
      try (CustomerIo cio = CustomerIo.create(CustomerIoConfig.builder().workspace("ws").credentials("site", "key")
          .baseUrl("http://127.0.0.1:9").outboxFactory(RedisOutbox.factory(store)).build())) {
        Health h = cio.health();
        assertEquals(HealthStatus.DEGRADED, h.status(), h.reasons().toString());
        assertTrue(h.reasons().stream().anyMatch(r -> r.contains("maxmemory-policy allkeys-lru")), h.reasons().toString());
      }
    } finally {
      server.kill();
    }
  }

  @Test
  void onAClusterEveryMasterIsCheckedAndOnlyTheOneThatMayEvictIsNamed() {
    LocalRedisCluster cluster = RedisTestCluster.startPrivate(3, 0);
    try {
      RedisStoreConfig store = RedisStoreConfig.builder().uri(cluster.uri()).prefix(RedisTestServer.prefix())
          .workspace("ws").shards(4).backgroundPolling(false).build();
      int owner = cluster.masterOf(store.keyBase());
      int evicting = cluster.masters().stream().filter(p -> p != owner).findFirst().orElseThrow();
      cluster.call(evicting, c -> c.configSet("maxmemory-policy", "volatile-lru"));
      try (RedisOutbox outbox = RedisOutbox.open(store, outboxConfig().build())) {
        String warning = outbox.stats().warning();
        assertTrue(warning != null && warning.contains("127.0.0.1:" + evicting + " has maxmemory-policy volatile-lru"),
            "a master other than the workspace's is checked too: " + warning);
        for (int m : cluster.masters()) {
          assertTrue(m == evicting || !warning.contains(":" + m + " "), warning);
        }
      }
    } finally {
      cluster.close();
    }
  }

  @Test
  void aRedisThatNeverEvictsGivesNoWarning() {
    RedisTestServer server = RedisTestServer.startPrivate(null, "--maxmemory-policy", "noeviction");
    try {
      Outbox outbox = RedisOutbox.open(store(server), outboxConfig().build());
      try {
        assertNull(outbox.stats().warning());
      } finally {
        outbox.close();
      }
    } finally {
      server.kill();
    }
  }

  @Test
  void thePolicyIsReadFromTheInfoAnswer() {
    assertEquals("volatile-lru", RedisOutbox.evictionPolicy("# Memory\r\nused_memory:1\r\nmaxmemory_policy:volatile-lru\r\n"));
    assertNull(RedisOutbox.evictionPolicy("# Memory\r\nused_memory:1\r\n"));
  }
}
