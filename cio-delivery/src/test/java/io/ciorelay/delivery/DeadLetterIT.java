package io.ciorelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.health.HealthStatus;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.delivery.retry.RetryConfig;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.Faults;
import io.ciorelay.simulator.OutageMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operations Customer.io refuses land in the dead-letter store with the reason; the rest is delivered. */
class DeadLetterIT {
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
  void refusedOperationsOfA207AreDeadLetteredWithTheReasonAndCanBeReplayed() throws Exception {
    sim.faults().poison("poison", Faults.PoisonMode.OPERATION);
    List<Receipt> poisoned = new ArrayList<>();
    List<String> good = new ArrayList<>();
    try (CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir).build())) {
      for (int i = 0; i < 100; i++) {
        if (i % 33 == 7) {
          poisoned.add(cio.track("p" + (i % 5), "order", Map.of("seq", i, "poison", true)));
        } else {
          good.add(cio.track("p" + (i % 5), "order", Map.of("seq", i)).eventId());
        }
      }
      cio.flush().get(30, TimeUnit.SECONDS);
      assertEquals(3, poisoned.size());
      assertEquals(97, sim.records().count());
      DeliveryTestSupport.assertExactlyOnce(sim, good);

      DeliveryOutcome outcome = poisoned.get(0).delivered().get(5, TimeUnit.SECONDS);
      assertEquals(DeliveryOutcome.Status.DEAD_LETTERED, outcome.status());
      assertTrue(outcome.reason().contains("poison"), outcome.reason());

      List<DeadLetter> dls = cio.deadLetters().list(0, 10);
      assertEquals(3, dls.size());
      for (DeadLetter d : dls) {
        assertEquals(207, d.lastStatus());
        assertTrue(d.reason().contains("attribute 'poison' is not allowed"), d.reason());
        assertTrue(d.attempts() >= 1);
      }
      assertEquals(HealthStatus.DEGRADED, cio.health().status());
      assertTrue(cio.health().reasons().toString().contains("dead-letter"), cio.health().reasons().toString());
      assertEquals(3.0, cio.meterRegistry().get(DeliveryMetrics.DEAD_LETTERED).tag("reason", "refused")
          .counter().count());

      // Fixed upstream: replay delivers them with their original event ids.
      sim.faults().poison(null, Faults.PoisonMode.OPERATION);
      assertEquals(3, cio.deadLetters().replayAll());
      cio.flush().get(30, TimeUnit.SECONDS);
      assertEquals(0, cio.deadLetters().count());
      for (Receipt r : poisoned) {
        assertTrue(sim.records().containsEventId(r.eventId()), "replayed with the same id " + r.eventId());
      }
      assertEquals(100, sim.records().count());
      assertEquals(HealthStatus.UP, cio.health().status());
    }
  }

  @Test
  void replayedDeadLetterIsNotReportedDeliveredBeforeItIsDelivered() throws Exception {
    sim.faults().poison("poison", Faults.PoisonMode.OPERATION);
    try (CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir).build())) {
      Receipt r = cio.track("p1", "order", Map.of("poison", true));
      assertEquals(DeliveryOutcome.Status.DEAD_LETTERED, r.delivered().get(30, TimeUnit.SECONDS).status());

      // Replayed while Customer.io still refuses it: asked after the replay, the receipt follows the
      // replayed operation (dead-lettered again), instead of reporting the original entry's absence
      // as delivered.
      assertEquals(1, cio.deadLetters().replayAll());
      DeliveryOutcome again = r.delivered().get(30, TimeUnit.SECONDS);
      assertEquals(DeliveryOutcome.Status.DEAD_LETTERED, again.status(), again.toString());
      assertEquals(0, sim.records().count());

      // Replayed once more after the fix upstream: now it is delivered, and the receipt says so.
      sim.faults().poison(null, Faults.PoisonMode.OPERATION);
      assertEquals(1, cio.deadLetters().replayAll());
      assertEquals(DeliveryOutcome.Status.DELIVERED, r.delivered().get(30, TimeUnit.SECONDS).status());
      assertTrue(sim.records().containsEventId(r.eventId()));
    }
  }

  @Test
  void aWholeBatch400IsBisectedToIsolateTheBadOperation() throws Exception {
    sim.faults().poison("poison", Faults.PoisonMode.REQUEST);
    List<String> good = new ArrayList<>();
    String bad;
    try (CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir).build())) {
      cio.pause();
      for (int i = 0; i < 30; i++) {
        good.add(cio.track("same-person", "step", Map.of("seq", i)).eventId());
      }
      bad = cio.track("same-person", "step", Map.of("seq", 30, "poison", 1)).eventId();
      for (int i = 31; i < 64; i++) {
        good.add(cio.track("same-person", "step", Map.of("seq", i)).eventId());
      }
      cio.resume();
      cio.flush().get(30, TimeUnit.SECONDS);
      List<DeadLetter> dls = cio.deadLetters().list(0, 10);
      assertEquals(1, dls.size());
      assertEquals(bad, dls.get(0).eventId());
      assertEquals(400, dls.get(0).lastStatus());
      assertTrue(dls.get(0).reason().contains("poisoned"), dls.get(0).reason());
    }
    DeliveryTestSupport.assertExactlyOnce(sim, good);
    DeliveryTestSupport.assertPerPersonOrder(sim.records().all());
    // One full batch refused, then halves: far fewer requests than one per operation.
    assertTrue(sim.stats().count(400) >= 2, "bisection steps: " + sim.stats().count(400));
    assertTrue(sim.stats().totalRequests() < 30, "requests: " + sim.stats().totalRequests());
  }

  @Test
  void spentRetryBudgetDeadLettersWithTheLastErrorAndPurgeRemovesThem() throws Exception {
    sim.faults().outage(OutageMode.SERVICE_UNAVAILABLE);
    CustomerIoConfig config = DeliveryTestSupport.config(sim, dir)
        .retry(RetryConfig.builder().baseDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(100))
            .maxAttempts(3).build())
        .build();
    try (CustomerIo cio = CustomerIo.create(config)) {
      Receipt r = cio.track("p1", "e", Map.of());
      DeliveryOutcome o = r.delivered().get(30, TimeUnit.SECONDS);
      assertEquals(DeliveryOutcome.Status.DEAD_LETTERED, o.status());
      assertTrue(o.reason().startsWith("retry budget spent after 3 attempts"), o.reason());
      assertTrue(o.reason().contains("503"), o.reason());
      DeadLetter d = cio.deadLetters().list(0, 1).get(0);
      assertEquals(503, d.lastStatus());
      assertEquals(3, d.attempts());
      assertEquals(1, cio.deadLetters().purgeAll());
      assertEquals(0, cio.deadLetters().count());
      assertEquals(1.0, cio.meterRegistry().get(DeliveryMetrics.DEAD_LETTERED).tag("reason", "budget")
          .counter().count());
    }
    assertEquals(3, sim.stats().count(503));
    assertEquals(0, sim.records().count());
  }
}
