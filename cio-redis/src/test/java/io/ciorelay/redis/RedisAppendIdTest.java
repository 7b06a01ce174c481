package io.ciorelay.redis;

import static io.ciorelay.redis.RedisOutboxTest.entry;
import static io.ciorelay.redis.RedisOutboxTest.outboxConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.outbox.NewEntry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: Lettuce re-sends a command written before a disconnect and not yet answered, and the
 * append script stored the entry again each time it ran. A re-run with the same append id (what a
 * re-send is) now stores nothing and answers the first run's counter.
 */
class RedisAppendIdTest {
  @RegisterExtension final RedisTestKeys redis = new RedisTestKeys();
  RedisOutbox outbox;

  @BeforeEach
  void setUp() {
    outbox = redis.register(RedisOutbox.open(RedisStoreConfig.builder().uri(redis.uri()).prefix(redis.prefix())
        .workspace("ws").shards(4).backgroundPolling(false).build(), outboxConfig().build()));
  }

  long run(int shard, NewEntry e, String appendId) throws Exception {
    return RedisLink.l(outbox.appendScript(shard, e, appendId).get(5, TimeUnit.SECONDS));
  }

  @Test
  void anAppendRunTwiceWithTheSameIdIsStoredOnce() throws Exception {
    NewEntry e = entry("person-1", "payload");
    int shard = outbox.laneOf("person-1");
    long first = run(shard, e, "t:1");
    long again = run(shard, e, "t:1");
    assertEquals(first, again, "the re-run answers the first run's counter (same sequence number)");
    assertEquals(1, outbox.peek(shard, 10, Long.MAX_VALUE).size(), "one entry stored");
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      String base = "{" + redis.prefix() + ":ws}";
      assertEquals(1L, c.sync().xlen(base + ":s:" + shard));
      assertEquals(String.valueOf(e.payload().length), c.sync().get(base + ":bytes"), "bytes counted once");
      long ttl = c.sync().pttl(base + ":ap:t:1");
      long max = RedisOutbox.appendIdTtl(outbox.storeConfig()).toMillis();
      assertTrue(ttl > 0 && ttl <= max, "the append id is remembered for at most " + max + " ms, was " + ttl);
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
    long other = run(shard, entry("person-1", "second"), "t:2");
    assertEquals(first + 1, other, "another id is another append");
    assertEquals(2, outbox.peek(shard, 10, Long.MAX_VALUE).size());
  }

  @Test
  void appendsThroughTheStoreEachGetTheirOwnId() throws Exception {
    for (int i = 0; i < 20; i++) {
      RedisOutboxTest.appendCommitted(outbox, entry("person-2", "op-" + i));
    }
    assertEquals(20, outbox.peek(outbox.laneOf("person-2"), 100, Long.MAX_VALUE).size());
  }
}
