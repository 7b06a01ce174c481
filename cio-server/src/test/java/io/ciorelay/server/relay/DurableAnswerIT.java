package io.ciorelay.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import io.ciorelay.simulator.CioSimulator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay answers a write only once it is on disk, and answers {@code 503} with
 * {@code Retry-After} when the disk does not confirm it within {@code relay.durable-timeout}: here
 * another connection holds the outbox file's write lock, as a stuck disk or a
 * backup tool would.
 */
class DurableAnswerIT {
  @TempDir
  Path dir;
  CioSimulator sim;
  RelayServer relay;

  @BeforeEach
  void setUp() {
    sim = CioSimulator.builder().rateLimit(0).build().start();
    relay = RelayServer.builder(RelayTestSupport.config(sim, dir).durableTimeout(Duration.ofMillis(400)).build())
        .build().start();
  }

  @AfterEach
  void tearDown() {
    relay.close();
    sim.close();
  }

  private RelayTestSupport.Reply event(String person, String name) throws Exception {
    return RelayTestSupport.send("POST", relay.baseUrl() + "/api/v1/customers/" + person + "/events",
        RelayTestSupport.basic(sim.siteId(), sim.apiKey()), "{\"name\":\"" + name + "\"}");
  }

  @Test
  void aCommitTheDiskDoesNotConfirmInTimeIsAnswered503WithRetryAfterAndLaterOnesSucceed() throws Exception {
    assertEquals(200, event("p-1", "before").status());
    try (Connection lock = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("outbox.db"))) {
      try (Statement s = lock.createStatement()) {
        s.execute("BEGIN EXCLUSIVE");
      }
      RelayTestSupport.Reply stalled = event("p-2", "stalled");
      assertEquals(503, stalled.status());
      assertTrue(stalled.raw().headers().firstValue("Retry-After").isPresent(), "Retry-After");
      assertTrue(stalled.body().contains("not confirmed on disk within 400 ms"), stalled.body());
      try (Statement s = lock.createStatement()) {
        s.execute("ROLLBACK");
      }
    }
    RelayTestSupport.Reply after = event("p-3", "after");
    assertEquals(200, after.status());
    await().atMost(Duration.ofSeconds(10)).until(() -> !sim.records().events("after").isEmpty());
  }
}
