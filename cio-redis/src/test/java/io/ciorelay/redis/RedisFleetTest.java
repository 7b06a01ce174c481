package io.ciorelay.redis;

import static io.ciorelay.redis.RedisOutboxTest.appendCommitted;
import static io.ciorelay.redis.RedisOutboxTest.entry;
import static io.ciorelay.redis.RedisOutboxTest.outboxConfig;
import static io.ciorelay.redis.RedisOutboxTest.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.outbox.StoredEntry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Several relays on one Redis store: one owner per shard, hand-over on close, take-over after a crash. */
class RedisFleetTest extends RedisStoreTestBase {
  static final int SHARDS = 16;

  RedisOutbox relay(String id, Duration ttl) {
    return relay(storeConfig(id, ttl).build());
  }

  RedisStoreConfig.Builder storeConfig(String id, Duration ttl) {
    return RedisStoreConfig.builder().uri(uri).prefix(prefix).workspace("ws")
        .relayId(id).leaseTtl(ttl).maxRequestTime(ttl.dividedBy(3)).pollInterval(Duration.ofMillis(20));
  }

  RedisOutbox relay(RedisStoreConfig store) {
    RedisOutbox o = RedisOutbox.open(store, outboxConfig().lanes(SHARDS).build());
    open.add(o);
    return o;
  }

  @Test
  void aGivenSchedulerRunsThePollRoundsAndIsLeftRunningAtClose() {
    java.util.concurrent.ScheduledExecutorService scheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try {
      RedisOutbox a = relay(storeConfig("relay-a", Duration.ofSeconds(10)).scheduler(scheduler).build());
      RedisOutbox b = relay("relay-b", Duration.ofSeconds(10));
      // a gives up half its shards only in its own poll rounds, which run on the given scheduler.
      await().atMost(Duration.ofSeconds(5)).until(() -> a.ownedCount() == SHARDS / 2 && b.ownedCount() == SHARDS / 2);
      a.close();
      assertFalse(scheduler.isShutdown(), "a scheduler the store was given is the caller's to shut down");
      await().atMost(Duration.ofSeconds(3)).until(() -> b.ownedCount() == SHARDS);
    } finally {
      scheduler.shutdownNow();
    }
  }

  static void assertOneOwnerPerShard(RedisOutbox a, RedisOutbox b) {
    for (int i = 0; i < SHARDS; i++) {
      assertFalse(a.owns(i) && b.owns(i), "shard " + i + " owned by both relays");
    }
  }

  @Test
  void twoRelaysSplitTheShardsAndClosingOneHandsItsShardsOverAtOnce() {
    RedisOutbox a = relay("relay-a", Duration.ofSeconds(10));
    assertEquals(SHARDS, a.ownedCount(), "a lone relay owns every shard");
    RedisOutbox b = relay("relay-b", Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(5)).until(() -> a.ownedCount() == SHARDS / 2 && b.ownedCount() == SHARDS / 2);
    for (int k = 0; k < 20; k++) {
      assertOneOwnerPerShard(a, b);
    }
    long start = System.nanoTime();
    b.close();
    await().atMost(Duration.ofSeconds(3)).until(() -> a.ownedCount() == SHARDS);
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0,
        "the shards moved before their leases would have expired");
  }

  @Test
  void aRelayThatStoppedAcceptingKeepsItsShardsButTakesNoNewOnes() {
    RedisOutbox a = relay("relay-a", Duration.ofSeconds(10));
    RedisOutbox b = relay("relay-b", Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(5)).until(() -> a.ownedCount() == SHARDS / 2 && b.ownedCount() == SHARDS / 2);
    a.stopAccepting();
    b.close();
    // b's shards are free now; the draining relay leaves them for others over many poll rounds.
    await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(6)).until(() -> a.ownedCount() == SHARDS / 2);
    RedisOutbox c = relay("relay-c", Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(5)).until(() -> c.ownedCount() == SHARDS / 2);
    assertOneOwnerPerShard(a, c);
  }

  @Test
  void aCrashedRelaysShardsAreTakenOverAfterTheTtlAndItsReadEntriesComeFirstInOrder() throws Exception {
    Duration ttl = Duration.ofMillis(1500);
    RedisOutbox a = relay("relay-a", ttl);
    RedisOutbox b = relay("relay-b", ttl);
    await().atMost(Duration.ofSeconds(5)).until(() -> a.ownedCount() == SHARDS / 2 && b.ownedCount() == SHARDS / 2);
    int lane = -1;
    for (int i = 0; i < SHARDS; i++) {
      if (b.owns(i)) {
        lane = i;
        break;
      }
    }
    String person = personOnLane(a, lane);
    for (int i = 0; i < 5; i++) {
      appendCommitted(a, entry(person, "before-" + i));
    }
    int l = lane;
    await().atMost(Duration.ofSeconds(5)).until(() -> b.pending(l) == 5);
    List<StoredEntry> readByB = b.peek(lane, 3, Long.MAX_VALUE);
    assertEquals(3, readByB.size());
    assertTrue(a.peek(lane, 10, Long.MAX_VALUE).isEmpty(), "a relay reads nothing from a shard it does not own");
    assertEquals(0, a.pending(lane));

    b.crash();
    long crashed = System.nanoTime();
    appendCommitted(a, entry(person, "after"));
    await().atMost(Duration.ofSeconds(10)).until(() -> a.owns(l));
    Duration took = Duration.ofNanos(System.nanoTime() - crashed);
    assertTrue(took.compareTo(ttl.dividedBy(2)) > 0, "taken over only once the lease lapsed, after " + took);
    List<StoredEntry> readByA = a.peek(lane, 10, Long.MAX_VALUE);
    assertEquals(List.of("before-0", "before-1", "before-2", "before-3", "before-4", "after"),
        readByA.stream().map(e -> text(e.payload())).toList());
    assertEquals(readByB.get(0).seq(), readByA.get(0).seq(), "the same entries, with the same sequence numbers");
    await().atMost(Duration.ofSeconds(5)).until(() -> a.ownedCount() == SHARDS);
  }

  @Test
  void aLeaseTakenByAnotherRelayIsNoLongerOwned() {
    RedisOutbox a = relay("relay-a", Duration.ofSeconds(10));
    assertTrue(a.owns(3));
    try (var c = RedisConnections.open(RedisStoreConfig.builder().uri(uri).build(), io.lettuce.core.codec.StringCodec.UTF8)) {
      c.sync().set("{" + prefix + ":ws}:lease:3", "someone-else");
    }
    await().atMost(Duration.ofSeconds(3)).until(() -> !a.owns(3));
    assertEquals(0, a.pending(3));
    assertTrue(a.peek(3, 10, 100).isEmpty());
    assertTrue(a.owns(4));
  }

  static String personOnLane(RedisOutbox o, int lane) {
    for (int i = 0; ; i++) {
      if (o.laneOf("person-" + i) == lane) {
        return "person-" + i;
      }
    }
  }
}
