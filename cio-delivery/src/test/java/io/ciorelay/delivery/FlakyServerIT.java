package io.ciorelay.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.simulator.CioSimulator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random 5xx answers and stalls past the request timeout: everything arrives once, threads stay bounded. */
class FlakyServerIT {
  @TempDir
  Path dir;
  CioSimulator sim;

  @BeforeEach
  void start() {
    sim = CioSimulator.builder().rateLimit(0).build().start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void thirtyPercentServerErrorsAndStallsPastTheTimeout() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int before = threads.getThreadCount();
    threads.resetPeakThreadCount();
    Workload w = new Workload(200);
    CustomerIoConfig config = DeliveryTestSupport.config(sim, dir)
        .maxBatchOperations(50)
        .requestTimeout(Duration.ofMillis(500))
        .breaker(io.ciorelay.delivery.breaker.BreakerConfig.builder()
            .failureThreshold(20).openWait(Duration.ofSeconds(1)).build())
        .build();
    try (CustomerIo cio = CustomerIo.create(config)) {
      sim.faults().errorRate(0.3);
      w.send(cio, 3_000);
      await().atMost(Duration.ofSeconds(30)).until(() -> sim.records().count() > 500);
      // Stalls: every request hangs past the 500 ms timeout for a while.
      sim.faults().stall(Duration.ofSeconds(2));
      w.send(cio, 2_000);
      await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().connectionsDropped() > 3);
      sim.faults().stall(Duration.ZERO);
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
          .until(() -> sim.records().count() == w.total());
      assertTrue(cio.health().failures() > 0, "failures were counted");
    }
    long serverErrors = sim.stats().requestsByStatus().entrySet().stream()
        .filter(e -> e.getKey() >= 500).mapToLong(java.util.Map.Entry::getValue).sum();
    assertTrue(serverErrors > 10, "server errors seen: " + serverErrors);
    DeliveryTestSupport.assertExactlyOnce(sim, w.eventIds);
    DeliveryTestSupport.assertPerPersonOrder(sim.records().all());
    int peak = threads.getPeakThreadCount();
    // The library adds a dispatcher, an outbox writer, a maintenance thread and a fixed HTTP pool
    // (4 by default) plus the JDK HTTP client's selector; stalls must not add threads.
    assertTrue(peak - before <= 16, "threads grew from " + before + " to a peak of " + peak);
  }
}
