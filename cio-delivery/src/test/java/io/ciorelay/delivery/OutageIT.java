package io.ciorelay.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.health.HealthStatus;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.OutageMode;
import io.ciorelay.simulator.RecordedOperation;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 30-second Customer.io outage in the middle of 20,000 operations loses and duplicates nothing. */
class OutageIT {
  @TempDir
  Path dir;
  CioSimulator sim;

  @BeforeEach
  void start() {
    sim = CioSimulator.builder().rateLimit(100).build().start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void thirtySecondOutageInTheMiddleOfTwentyThousandOperations() throws Exception {
    Workload w = new Workload(500);
    try (CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir).build())) {
      w.send(cio, 10_000);
      await().atMost(Duration.ofSeconds(30)).until(() -> sim.records().count() > 1_000);

      sim.faults().outage(Duration.ofSeconds(30), OutageMode.SERVICE_UNAVAILABLE);
      w.send(cio, 10_000);
      await().atMost(Duration.ofSeconds(20)).until(() -> cio.health().status() == HealthStatus.DOWN);
      assertTrue(cio.health().backlog() > 0, "backlog kept on disk during the outage");

      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
          .until(() -> DeliveryTestSupport.distinctOperations(sim) == w.total());
      cio.flush().get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(0, cio.health().backlog());
      assertEquals(0, cio.deadLetters().count());
      assertTrue(cio.meterRegistry().get(io.ciorelay.delivery.metrics.DeliveryMetrics.BREAKER_TRANSITIONS)
          .tag("to", "open").counter().count() >= 1, "the breaker opened during the outage");
    }
    assertTrue(sim.stats().count(503) > 0, "the outage was seen by the library");
    DeliveryTestSupport.assertExactlyOnce(sim, w.eventIds);
    assertEquals(w.identifies, sim.records().count(RecordedOperation.Action.IDENTIFY));
    DeliveryTestSupport.assertPerPersonOrder(sim.records().all());
  }

  @Test
  void connectionResetsAreRetriedLikeOutages() {
    Workload w = new Workload(50);
    try (CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir).build())) {
      sim.faults().outage(Duration.ofSeconds(3), OutageMode.CONNECTION_RESET);
      w.send(cio, 2_000);
      await().atMost(Duration.ofSeconds(60)).until(() -> DeliveryTestSupport.distinctOperations(sim) == w.total());
    }
    assertTrue(sim.stats().connectionsDropped() > 0, "connections were dropped");
    DeliveryTestSupport.assertExactlyOnce(sim, w.eventIds);
    DeliveryTestSupport.assertPerPersonOrder(sim.records().all());
  }
}
