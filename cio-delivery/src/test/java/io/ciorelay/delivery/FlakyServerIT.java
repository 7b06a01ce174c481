package io.ciorelay.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.simulator.CioSimulator;
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
    // Samples the library's own threads (the simulator's server threads are not ours to bound).
    java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
    java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(libraryThreads(before), Math::max), 0, 20,
        java.util.concurrent.TimeUnit.MILLISECONDS);
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
          .untilAsserted(() -> org.junit.jupiter.api.Assertions.assertEquals(w.total(),
              DeliveryTestSupport.distinctOperations(sim),
              () -> "recorded " + sim.records().count() + ", identifies " + sim.records().count(
                  io.ciorelay.simulator.RecordedOperation.Action.IDENTIFY) + " of " + w.identifies
                  + ", events " + sim.records().events().size() + " of " + w.eventIds.size()
                  + ", duplicates " + sim.records().duplicateCount() + ", health " + cio.health()));
      assertTrue(cio.health().failures() > 0, "failures were counted");
    }
    long serverErrors = sim.stats().requestsByStatus().entrySet().stream()
        .filter(e -> e.getKey() >= 500).mapToLong(java.util.Map.Entry::getValue).sum();
    assertTrue(serverErrors > 10, "server errors seen: " + serverErrors);
    DeliveryTestSupport.assertExactlyOnce(sim, w.eventIds);
    DeliveryTestSupport.assertPerPersonOrder(sim.records().all());
    sampler.shutdownNow();
    // A dispatcher, an outbox writer, a maintenance thread, the fixed HTTP pool (4 by default)
    // and the JDK HTTP client's selector: 8. Stalled requests must not add threads.
    assertTrue(peak.get() >= 5, "sampler saw the library's threads: " + peak.get());
    assertTrue(peak.get() <= 8, "library threads peaked at " + peak.get() + "; now: " + Thread.getAllStackTraces().keySet());
  }

  /** Threads of this test's library instance: started after {@code before}, named by the library or the JDK HTTP client. */
  private static int libraryThreads(java.util.Set<Thread> before) {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName();
      if (t.isAlive() && !before.contains(t) && !name.startsWith("cio-simulator")
          && (name.startsWith("cio-") || name.startsWith("HttpClient-"))) {
        n++;
      }
    }
    return n;
  }
}
