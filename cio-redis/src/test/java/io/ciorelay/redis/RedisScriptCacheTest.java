package io.ciorelay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.outbox.AppendResult;
import io.ciorelay.delivery.outbox.StoredEntry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis that lost its scripts (restarted, or {@code SCRIPT FLUSH}) must not let a person's
 * appends land out of order: an append answered {@code NOSCRIPT} used to be re-sent as
 * {@code EVAL}, behind appends sent after it that found the script reloaded (the fault-schedule run
 * found a person's operations out of order right after start, seed -5526608477469610089). A private
 * {@code redis-server} child, so flushing its scripts touches no other test.
 */
class RedisScriptCacheTest {
  RedisTestServer server;
  RedisStoreConfig store;
  RedisOutbox outbox;

  /** Starts a Redis of this test's own; returns its URI. */
  String startRedis() {
    server = RedisTestServer.startPrivate(null);
    return server.uri();
  }

  /** {@code SCRIPT FLUSH} on the Redis holding the workspace's keys. */
  void flushScripts() {
    RedisClient client = RedisClient.create(server.uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      assertEquals("OK", c.sync().scriptFlush());
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  void stopRedis() {
    server.kill();
  }

  @BeforeEach
  void start() {
    store = RedisStoreConfig.builder().uri(startRedis()).prefix(RedisTestServer.prefix())
        .workspace("ws").pollInterval(Duration.ofMillis(20)).build();
    outbox = RedisOutbox.open(store, RedisOutboxTest.outboxConfig().lanes(1).build());
  }

  @AfterEach
  void stop() {
    outbox.close();
    stopRedis();
  }

  @Test
  void anAppendWhoseScriptRedisLostFailsInsteadOfLandingBehindLaterAppends() throws Exception {
    RedisOutboxTest.appendCommitted(outbox, RedisOutboxTest.entry("p", "first"));
    flushScripts();

    // The NOSCRIPT answer may arrive before append returns (then the append is refused at once) or
    // after (then its commit fails): either way the caller hears it was not stored, and why.
    AppendResult lost = outbox.append(RedisOutboxTest.entry("p", "second"));
    String why;
    if (lost.isAccepted()) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> lost.committed().get(10, TimeUnit.SECONDS),
          "an append answered NOSCRIPT is not stored (re-sending it could land it behind later appends)");
      why = String.valueOf(e.getCause());
    } else {
      assertEquals(AppendResult.Reason.FAILED, lost.reason());
      why = lost.message();
    }
    assertTrue(why.contains("script"), why);

    // The scripts were loaded again: the next append goes in, and only it is in the stream.
    long third = RedisOutboxTest.appendCommitted(outbox, RedisOutboxTest.entry("p", "third"));
    List<StoredEntry> lane = outbox.peek(0, 10, 10_000);
    assertEquals(List.of("first", "third"), lane.stream().map(s -> RedisOutboxTest.text(s.payload())).toList());
    assertEquals(third, lane.get(1).seq());
  }
}
