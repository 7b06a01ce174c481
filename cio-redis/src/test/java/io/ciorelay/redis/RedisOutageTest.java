package io.ciorelay.redis;

import static io.ciorelay.redis.RedisOutboxTest.appendCommitted;
import static io.ciorelay.redis.RedisOutboxTest.entry;
import static io.ciorelay.redis.RedisOutboxTest.outboxConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.outbox.AppendResult;
import io.ciorelay.delivery.outbox.OutboxException;
import io.ciorelay.delivery.ratelimit.RateLimitConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Redis goes away (its process is killed) and comes back on the same port. */
class RedisOutageTest {
  static final String PASSWORD = "s3cret-Pw-42";
  RedisTestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.kill();
    }
  }

  @Test
  void appendsAreRejectedAtOnceWithoutThePasswordAndResumeWhenRedisReturns() throws Exception {
    server = RedisTestServer.startPrivate(PASSWORD);
    RedisStoreConfig store = RedisStoreConfig.builder().uri(server.uri()).prefix("outage").workspace("ws")
        .pollInterval(Duration.ofMillis(20)).leaseTtl(Duration.ofSeconds(2)).maxRequestTime(Duration.ofSeconds(1)).build();
    assertFalse(store.toString().contains(PASSWORD), store.toString());
    assertFalse(RedisOutbox.factory(store).describe(outboxConfig().build()).contains(PASSWORD));
    try (RedisOutbox outbox = RedisOutbox.open(store, outboxConfig().lanes(4).build())) {
      appendCommitted(outbox, entry("p", "before"));

      server.kill();
      await().atMost(Duration.ofSeconds(5)).until(() -> !outbox.append(entry("p", "probe")).isAccepted());
      for (int i = 0; i < 20; i++) {
        long start = System.nanoTime();
        AppendResult r = outbox.append(entry("p", "during-" + i));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(AppendResult.Reason.FAILED, r.reason());
        assertTrue(ms < 1000, "append took " + ms + " ms while Redis was down");
        assertTrue(r.message().contains("Redis at 127.0.0.1:" + server.port() + " is unreachable"), r.message());
        assertFalse(r.message().contains(PASSWORD), r.message());
      }
      OutboxException read = assertThrows(OutboxException.class, () -> outbox.isPending(1));
      assertFalse(read.getMessage().contains(PASSWORD), read.getMessage());
      assertTrue(read.getMessage().contains("127.0.0.1:" + server.port()), read.getMessage());
      await().atMost(Duration.ofSeconds(5)).until(() -> outbox.ownedCount() == 0);

      server.start();
      await().atMost(Duration.ofSeconds(15)).until(() -> outbox.append(entry("p", "after")).isAccepted());
      long seq = appendCommitted(outbox, entry("p", "after-2"));
      assertTrue(outbox.isPending(seq));
      await().atMost(Duration.ofSeconds(5)).until(() -> outbox.ownedCount() == 4);
    }
  }

  @Test
  void anUnreachableRedisFailsToOpenNamingTheHostButNotThePassword() {
    server = RedisTestServer.startPrivate(PASSWORD);
    int port = server.port();
    server.kill();
    RedisStoreConfig store = RedisStoreConfig.builder().uri("redis://:" + PASSWORD + "@127.0.0.1:" + port)
        .commandTimeout(Duration.ofMillis(500)).build();
    OutboxException e = assertThrows(OutboxException.class, () -> RedisOutbox.open(store, outboxConfig().build()));
    assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
  }

  @Test
  void theFactoryStartsDisconnectedWhenRedisIsDownAndConnectsByItselfWhenItComes() throws Exception {
    server = RedisTestServer.startPrivate(PASSWORD);
    int port = server.port();
    server.kill();
    RedisStoreConfig store = RedisStoreConfig.builder().uri("redis://:" + PASSWORD + "@127.0.0.1:" + port)
        .prefix("outage-late").commandTimeout(Duration.ofMillis(500)).build();
    io.ciorelay.delivery.outbox.Outbox outbox = RedisOutbox.factory(store).open(outboxConfig().lanes(4).build());
    RedisRateLimiter limiter = RedisRateLimiter.create(store, RateLimitConfig.of(100, 0.8));
    try {
      java.util.concurrent.atomic.AtomicInteger woken = new java.util.concurrent.atomic.AtomicInteger();
      outbox.onAppendCommitted(woken::incrementAndGet);
      // Disconnected: the reason is reported, appends are refused at once, nothing to deliver.
      assertTrue(outbox.problem().contains("127.0.0.1:" + port), outbox.problem());
      assertFalse(outbox.problem().contains(PASSWORD), outbox.problem());
      AppendResult r = outbox.append(entry("p", "early"));
      assertEquals(AppendResult.Reason.FAILED, r.reason());
      assertFalse(r.message().contains(PASSWORD), r.message());
      assertEquals(4, outbox.lanes());
      assertEquals(0, outbox.pending(0));
      assertFalse(outbox.owns(0));
      assertThrows(OutboxException.class, outbox::deadLetterCount);
      assertTrue(limiter.tryAcquire() > 0, "no token without Redis");

      server.start();
      await().atMost(Duration.ofSeconds(15)).until(() -> outbox.problem() == null);
      assertTrue(woken.get() > 0, "listeners registered before the connection were handed over");
      long seq = appendCommitted(outbox, entry("p", "late"));
      assertTrue(outbox.isPending(seq));
      await().atMost(Duration.ofSeconds(5)).until(() -> outbox.peek(outbox.laneOf("p"), 10, 1_000_000).size() == 1);
      assertEquals(0, outbox.deadLetterCount());
      await().atMost(Duration.ofSeconds(15)).until(() -> limiter.tryAcquire() == 0);
    } finally {
      outbox.close();
      limiter.close();
    }
  }

  @Test
  void theLimiterWaitsInsteadOfLettingRequestsThroughWhileRedisIsDown() {
    server = RedisTestServer.startPrivate(null);
    RedisStoreConfig store = RedisStoreConfig.builder().uri(server.uri()).prefix("outage-rl").build();
    try (RedisRateLimiter limiter = RedisRateLimiter.create(store, RateLimitConfig.of(100, 0.8))) {
      assertEquals(0, limiter.tryAcquire());
      server.kill();
      await().atMost(Duration.ofSeconds(5)).until(() -> limiter.tryAcquire() > 0);
      long start = System.nanoTime();
      long wait = limiter.tryAcquire();
      assertTrue(wait >= TimeUnit.MILLISECONDS.toNanos(500), "wait " + wait);
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
      assertTrue(limiter.nanosUntilAvailable() > 0);
      server.start();
      await().atMost(Duration.ofSeconds(15)).until(() -> limiter.tryAcquire() == 0);
    }
  }
}
