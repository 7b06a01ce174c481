package io.ciorelay.redis;

import static io.ciorelay.redis.RedisOutboxTest.outboxConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.outbox.OutboxException;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The fleet view reads who holds which shard from the same keys the outboxes write. */
class RedisFleetViewTest extends RedisStoreTestBase {
  static final int SHARDS = 8;

  RedisStoreConfig store(String id) {
    return RedisStoreConfig.builder().uri(uri).prefix(prefix).workspace("ws").relayId(id)
        .leaseTtl(Duration.ofSeconds(10)).maxRequestTime(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).build();
  }

  RedisOutbox relay(String id) {
    RedisOutbox o = RedisOutbox.open(store(id), outboxConfig().lanes(SHARDS).build());
    open.add(o);
    return o;
  }

  @Test
  void showsEachLiveRelayWithTheShardsItHoldsAndNothingElse() {
    RedisFleetView view = RedisFleetView.of(store("viewer"));
    open.add(view);
    assertEquals(0, view.snapshot().shards(), "no relay has opened the store yet");
    RedisOutbox a = relay("relay-a");
    RedisOutbox b = relay("relay-b");
    await().atMost(Duration.ofSeconds(5)).until(() -> a.ownedCount() == SHARDS / 2 && b.ownedCount() == SHARDS / 2);

    RedisFleetView.Snapshot s = view.snapshot();
    assertEquals(SHARDS, s.shards());
    assertEquals(List.of("relay-a", "relay-b"), s.relays().stream().map(RedisFleetView.Relay::id).toList(),
        "the viewer itself is not a relay of the fleet");
    TreeSet<Integer> all = new TreeSet<>();
    for (RedisFleetView.Relay r : s.relays()) {
      RedisOutbox o = r.id().equals("relay-a") ? a : b;
      for (int shard : r.shards()) {
        assertTrue(o.owns(shard), r.id() + " is shown holding shard " + shard + " that it does not own");
      }
      assertEquals(SHARDS / 2, r.shards().size(), r.toString());
      all.addAll(r.shards());
    }
    assertEquals(SHARDS, all.size(), "every shard held by exactly one relay: " + s);
    assertTrue(s.freeShards().isEmpty());

    b.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> view.snapshot().relays().size() == 1
        && view.snapshot().relays().get(0).shards().size() == SHARDS);
  }

  @Test
  void anUnreachableRedisIsAnOutboxExceptionNamingHostAndPort() {
    RedisFleetView view = RedisFleetView.of(RedisStoreConfig.builder().uri("redis://127.0.0.1:1/0").prefix(prefix)
        .workspace("ws").build());
    open.add(view);
    OutboxException e = assertThrows(OutboxException.class, view::snapshot);
    assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
  }
}
