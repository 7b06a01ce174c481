package io.ciorelay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisStoreConfigTest {

  static void assertRejected(Class<? extends Exception> type, String mustContain, Runnable r) {
    Exception e = assertThrows(type, r::run);
    assertTrue(e.getMessage().contains(mustContain), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void badValuesAreRejectedNamingTheSetting() {
    RedisStoreConfig.Builder b = RedisStoreConfig.builder();
    assertRejected(IllegalArgumentException.class, "uri must start with redis://, rediss://",
        () -> b.uri("http://:hunter2@localhost:6379"));
    assertRejected(IllegalArgumentException.class, "uri", () -> b.uri("localhost:6379"));
    assertRejected(IllegalArgumentException.class, "uri", () -> b.uri("redis://:hunter2@"));
    assertRejected(IllegalArgumentException.class, "shards must be in 1..1024 but was 0", () -> b.shards(0));
    assertRejected(IllegalArgumentException.class, "shards must be in 1..1024 but was 2000", () -> b.shards(2000));
    assertRejected(IllegalArgumentException.class, "leaseTtl must be in", () -> b.leaseTtl(Duration.ofMillis(10)));
    assertRejected(IllegalArgumentException.class, "leaseTtl must be in", () -> b.leaseTtl(Duration.ofHours(1)));
    assertRejected(IllegalArgumentException.class, "commandTimeout must be in", () -> b.commandTimeout(Duration.ZERO));
    assertRejected(IllegalArgumentException.class, "prefix must be", () -> b.prefix("a b"));
    assertRejected(IllegalArgumentException.class, "workspace must be", () -> b.workspace("{ws}"));
    assertRejected(IllegalArgumentException.class, "replicasToWait must be in 0..16 but was -1", () -> b.replicasToWait(-1));
    assertRejected(IllegalStateException.class, "uri must be set", b::build);
    assertRejected(IllegalStateException.class, "pollInterval",
        () -> RedisStoreConfig.builder().uri("redis://localhost").leaseTtl(Duration.ofMillis(600))
            .pollInterval(Duration.ofMillis(300)).build());
    assertRejected(IllegalStateException.class, "leaseTtl=PT3S must be at least 1.5 times maxRequestTime=PT10S",
        () -> RedisStoreConfig.builder().uri("redis://localhost").leaseTtl(Duration.ofSeconds(3)).build());
    assertRejected(IllegalArgumentException.class, "maxRequestTime must be positive",
        () -> RedisStoreConfig.builder().maxRequestTime(Duration.ZERO));
    assertRejected(NullPointerException.class, "ticker must not be null", () -> b.ticker(null));
    assertRejected(NullPointerException.class, "clock must not be null", () -> b.clock(null));
  }

  @Test
  void timeIsInjectedAndKeptByToBuilder() {
    FakeTicker ticker = new FakeTicker();
    java.time.Clock clock = ticker.clock();
    RedisStoreConfig c = RedisStoreConfig.builder().uri("redis://localhost").ticker(ticker).clock(clock).build();
    assertTrue(c.ticker() == ticker && c.clock() == clock);
    RedisStoreConfig copy = c.toBuilder().workspace("other").build();
    assertTrue(copy.ticker() == ticker && copy.clock() == clock);
    RedisStoreConfig defaults = RedisStoreConfig.builder().uri("redis://localhost").build();
    assertEquals(java.time.Clock.systemUTC(), defaults.clock());
  }

  @Test
  void thePasswordNeverShows() {
    RedisStoreConfig c = RedisStoreConfig.builder().uri("rediss://:hunter2@cache.example.com:6380/2").build();
    assertEquals("rediss://:***@cache.example.com:6380/2", c.describe());
    assertFalse(c.toString().contains("hunter2"), c.toString());
    assertEquals("{cio:default}", c.keyBase());
    assertEquals(0, c.shards(), "unset: the outbox's lane count");
    assertTrue(c.relayId().matches(".+-\\d+-[0-9a-f]{8}"), c.relayId());
  }

  @Test
  void aClusterUriNamesItsSeedNodesAndSelectsTheClusterClient() {
    RedisStoreConfig c = RedisStoreConfig.builder().uri("redis-cluster://:hunter2@10.0.0.1:7000,10.0.0.2:7001, 10.0.0.3:7002")
        .build();
    assertTrue(c.cluster());
    assertEquals(3, c.clusterSeeds().size());
    assertEquals(7001, c.clusterSeeds().get(1).getPort());
    assertEquals("hunter2", new String(c.clusterSeeds().get(2).getPassword()), "every seed carries the password");
    assertEquals("redis-cluster://:***@10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:7002", c.describe());
    assertFalse(c.toString().contains("hunter2"), c.toString());
    assertTrue(RedisStoreConfig.builder().uri("rediss-cluster://h:7000").build().clusterSeeds().get(0).isSsl());
    assertFalse(RedisStoreConfig.builder().uri("redis://localhost").build().cluster(), "redis:// stays standalone");

    RedisStoreConfig.Builder b = RedisStoreConfig.builder();
    assertRejected(IllegalArgumentException.class, "uri of a Redis Cluster has no database",
        () -> b.uri("redis-cluster://h:7000,h:7001/3"));
    assertRejected(IllegalArgumentException.class, "uri has an empty host", () -> b.uri("redis-cluster://:hunter2@h:7000,,h:7001"));
    assertRejected(IllegalArgumentException.class, "(node 'h:70000')", () -> b.uri("redis-cluster://:hunter2@h:7000,h:70000"));
  }
}
