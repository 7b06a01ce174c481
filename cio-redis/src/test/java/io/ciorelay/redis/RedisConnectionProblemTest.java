package io.ciorelay.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.outbox.AppendResult;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A store whose Redis went away reports the problem at once, not only after its poller's next
 * round fails: health read "no problem" from the last good round and cleared the failure a refused
 * append had just reported, so a relay answered 503 while its readiness said UP (seen by FleetIT's
 * Redis restart). Polling is off here, so only the connection can tell.
 */
class RedisConnectionProblemTest {
  RedisTestServer server;
  RedisOutbox outbox;

  @AfterEach
  void stop() {
    if (outbox != null) {
      outbox.close();
    }
    if (server != null) {
      server.kill();
    }
  }

  @Test
  void aLostConnectionIsAProblemBeforeAnyPollRoundNoticesIt() {
    server = RedisTestServer.startPrivate(null);
    outbox = RedisOutbox.open(RedisStoreConfig.builder().uri(server.uri()).prefix(RedisTestServer.prefix())
        .workspace("ws").backgroundPolling(false).build(), RedisOutboxTest.outboxConfig().lanes(1).build());
    assertNull(outbox.problem(), "connected: no problem");

    server.kill();
    AppendResult refused = await().atMost(Duration.ofSeconds(10))
        .until(() -> outbox.append(RedisOutboxTest.entry("p", "x")), r -> !r.isAccepted());
    assertFalse(refused.isAccepted());
    String problem = outbox.problem();
    assertTrue(problem != null && problem.contains("not connected"),
        "appends are refused, so the store must say why: " + problem);
  }
}
