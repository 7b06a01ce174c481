package io.ciorelay.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.simulator.CioSimulator;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The workspace limit holds in every one-second window; 429s pause delivery and lose nothing. */
class RateLimitIT {
  @TempDir
  Path dir;
  CioSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void neverMoreThanTheConfiguredLimitInAnyOneSecondWindow() {
    sim = CioSimulator.builder().rateLimit(0).build().start();
    Workload w = new Workload(400);
    CustomerIoConfig config = DeliveryTestSupport.config(sim, dir)
        .rateLimit(30, 0.8)
        .maxBatchOperations(5)
        .lanes(16)
        .build();
    try (CustomerIo cio = CustomerIo.create(config)) {
      w.send(cio, 1_000);
      await().atMost(Duration.ofSeconds(60)).until(() -> DeliveryTestSupport.distinctOperations(sim) == w.total());
    }
    assertTrue(sim.stats().totalRequests() >= 200, "requests: " + sim.stats().totalRequests());
    assertTrue(sim.stats().peakRequestsPerSecond() <= 30,
        "peak requests in one second: " + sim.stats().peakRequestsPerSecond());
    assertEquals(0, sim.stats().count(429));
    DeliveryTestSupport.assertExactlyOnce(sim, w.eventIds);
  }

  @ParameterizedTest(name = "Retry-After sent: {0}")
  @ValueSource(booleans = {true, false})
  void answers429PauseEveryLaneAndEverythingArrives(boolean retryAfter) {
    // Customer.io allows 20 requests/s; the library believes 100: it must slow down on 429s.
    sim = CioSimulator.builder().rateLimit(20).retryAfter(retryAfter).build().start();
    Workload w = new Workload(300);
    CustomerIoConfig config = DeliveryTestSupport.config(sim, dir)
        .rateLimit(100, 0.8)
        .maxBatchOperations(10)
        .lanes(16)
        .build();
    try (CustomerIo cio = CustomerIo.create(config)) {
      w.send(cio, 2_000);
      await().atMost(Duration.ofSeconds(90)).until(() -> DeliveryTestSupport.distinctOperations(sim) == w.total());
      assertEquals(0, cio.deadLetters().count());
    }
    assertTrue(sim.stats().count(429) > 0, "429s were answered");
    assertTrue(sim.stats().peakRequestsPerSecond() <= 100,
        "peak requests in one second: " + sim.stats().peakRequestsPerSecond());
    if (retryAfter) {
      // Honouring Retry-After pauses every lane: most requests get through. A sender that ignored
      // the pause would push 80/s against 20/s and see about three 429s per accepted request.
      assertTrue(sim.stats().count(429) < sim.stats().totalRequests() / 2,
          "429s " + sim.stats().count(429) + " of " + sim.stats().totalRequests() + " requests");
    }
    DeliveryTestSupport.assertExactlyOnce(sim, w.eventIds);
    DeliveryTestSupport.assertPerPersonOrder(sim.records().all());
  }
}
