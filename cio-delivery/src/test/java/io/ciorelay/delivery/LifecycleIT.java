package io.ciorelay.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.Device;
import io.ciorelay.client.Identifiers;
import io.ciorelay.delivery.health.Health;
import io.ciorelay.delivery.health.HealthStatus;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.OutageMode;
import io.ciorelay.simulator.RecordedOperation;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance, validation, flush, shutdown, restart, health and metrics of the facade. */
class LifecycleIT {
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
  void everyCallKindArrivesAndFlushWaitsForIt() throws Exception {
    try (CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir).build())) {
      assertTrue(cio.identify("p1", Map.of("email", "p1@example.com")).isAccepted());
      Receipt ev = cio.track("p1", "purchase", Map.of("sku", "a"));
      assertTrue(cio.page("p1", "/pricing", Map.of()).isAccepted());
      assertTrue(cio.screen("p1", "Home", null).isAccepted());
      assertTrue(cio.addDevice("p1", Device.builder("tok-1", "ios").build()).isAccepted());
      assertTrue(cio.deleteDevice("p1", "tok-1").isAccepted());
      assertTrue(cio.suppress("p2").isAccepted());
      assertTrue(cio.unsuppress("p2").isAccepted());
      assertTrue(cio.merge(Identifiers.id("p1"), Identifiers.email("old@example.com")).isAccepted());
      assertTrue(cio.delete("p3").isAccepted());
      Receipt anon = cio.trackAnonymous("anon-1", "viewed", Map.of("x", 1));
      assertTrue(anon.isAccepted());
      assertTrue(cio.track(Identifiers.email("e@example.com"), "signup", Map.of()).isAccepted());

      cio.flush().get(20, TimeUnit.SECONDS);
      assertEquals(12, sim.records().count());
      assertTrue(sim.records().containsEventId(ev.eventId()));
      assertTrue(sim.records().containsEventId(anon.eventId()));
      assertEquals(DeliveryOutcome.Status.DELIVERED, ev.delivered().get(5, TimeUnit.SECONDS).status());
      assertEquals(7, sim.records().forPerson("p1").size());
      assertEquals(RecordedOperation.Action.IDENTIFY, sim.records().forPerson("p1").get(0).action());
      assertEquals(0, cio.health().backlog());
    }
  }

  /**
   * A flush still waiting when close() ends completes with it (nothing more will be delivered by
   * this instance), and one asked after close completes at once; neither waits on the stopped
   * maintenance thread.
   */
  @Test
  void aFlushStillOpenWhenCloseEndsCompletesWithIt() throws Exception {
    CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir).build());
    cio.pause();
    assertTrue(cio.track("p1", "kept", Map.of()).isAccepted());
    java.util.concurrent.CompletableFuture<Void> flush = cio.flush();
    assertFalse(flush.isDone(), "paused: nothing is delivered");
    ShutdownReport report = cio.close(Duration.ofSeconds(5));
    assertEquals(1, report.remaining(), "left stored for the next start");
    flush.get(5, TimeUnit.SECONDS);
    assertTrue(cio.flush().isDone(), "a flush after close completes at once");
  }

  @Test
  void invalidInputIsRejectedAtTheCallAndQueuesNothing() {
    try (CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir).build())) {
      Receipt longName = cio.track("p1", "n".repeat(101), Map.of());
      assertEquals(Receipt.Status.REJECTED, longName.status());
      assertEquals(Rejection.Reason.INVALID, longName.rejection().reason());
      assertTrue(longName.rejection().message().contains("100"), longName.rejection().message());
      assertFalse(longName.rejection().violations().isEmpty());

      Receipt longId = cio.identify("i".repeat(151), Map.of());
      assertEquals(Rejection.Reason.INVALID, longId.rejection().reason());
      assertTrue(longId.rejection().message().contains("150"), longId.rejection().message());

      Map<String, Object> many = new HashMap<>();
      for (int i = 0; i < 301; i++) {
        many.put("a" + i, i);
      }
      Receipt tooMany = cio.identify("p1", many);
      assertEquals(Rejection.Reason.INVALID, tooMany.rejection().reason());
      assertTrue(tooMany.rejection().message().contains("300"), tooMany.rejection().message());

      Receipt bigValue = cio.identify("p1", Map.of("bio", "b".repeat(1001)));
      assertTrue(bigValue.rejection().message().contains("bio"), bigValue.rejection().message());

      assertEquals(Rejection.Reason.INVALID, cio.track((String) null, "x", Map.of()).rejection().reason());
      assertEquals(Rejection.Reason.INVALID, cio.track("p1", " ", Map.of()).rejection().reason());
      assertEquals(Rejection.Reason.INVALID, cio.trackAnonymous("", "x", Map.of()).rejection().reason());
      assertEquals(Rejection.Reason.INVALID, cio.submit(null).rejection().reason());
      assertFalse(longName.awaitDurable(Duration.ofSeconds(1)));

      assertEquals(0, cio.health().backlog());
      MeterRegistry m = cio.meterRegistry();
      assertEquals(8.0, m.get(DeliveryMetrics.REJECTED).tag("reason", "invalid").counter().count());
      assertEquals(0.0, m.get(DeliveryMetrics.ACCEPTED).counter().count());
    }
    assertEquals(0, sim.stats().totalRequests());
  }

  @Test
  void closeReportsExactCountsRejectsLaterCallsAndTheNextStartDeliversTheRest() throws Exception {
    ShutdownReport report;
    CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir).build());
    sim.faults().outage(OutageMode.SERVICE_UNAVAILABLE);
    for (int i = 0; i < 300; i++) {
      assertTrue(cio.track("p" + (i % 7), "e", Map.of("seq", i)).isAccepted());
    }
    report = cio.close(Duration.ofSeconds(1));
    assertEquals(300, report.accepted());
    assertEquals(0, report.delivered());
    assertEquals(300, report.remaining());
    Receipt late = cio.track("p1", "late", Map.of());
    assertEquals(Rejection.Reason.CLOSED, late.rejection().reason());
    assertEquals(report, cio.close(Duration.ofSeconds(1)), "close is idempotent");

    sim.faults().endOutage();
    try (CustomerIo again = CustomerIo.create(DeliveryTestSupport.config(sim, dir).build())) {
      assertEquals(300, again.health().backlog());
      again.flush().get(30, TimeUnit.SECONDS);
      ShutdownReport second = again.close(Duration.ofSeconds(5));
      assertEquals(0, second.accepted());
      assertEquals(300, second.delivered());
      assertEquals(0, second.remaining());
    }
    assertEquals(300, sim.records().events("e").size());
    DeliveryTestSupport.assertPerPersonOrder(sim.records().all());
  }

  @Test
  void closeDeliversWhatItCanBeforeTheDeadline() {
    CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir).linger(Duration.ofSeconds(30)).build());
    for (int i = 0; i < 50; i++) {
      cio.track("p" + i, "e", Map.of());
    }
    // Linger is 30 s, but close flushes part-full batches at once.
    ShutdownReport report = cio.close(Duration.ofSeconds(10));
    assertEquals(50, report.delivered());
    assertEquals(0, report.remaining());
    assertEquals(50, sim.records().count());
  }

  @Test
  void healthMetricsAndRefusedCredentials() throws Exception {
    CustomerIoConfig wrong = DeliveryTestSupport.config(sim, dir).credentials(sim.siteId(), "wrong-key").build();
    try (CustomerIo cio = CustomerIo.create(wrong)) {
      cio.track("p1", "e", Map.of());
      await().atMost(Duration.ofSeconds(10)).until(() -> cio.health().status() == HealthStatus.DOWN);
      Health h = cio.health();
      assertTrue(h.reasons().get(0).contains("refused the credentials"), h.reasons().toString());
      assertFalse(h.reasons().toString().contains("wrong-key"), "no secret in health");
      assertFalse(String.valueOf(h.lastError()).contains("wrong-key"));
      assertEquals(1, h.backlog(), "nothing dropped");
      assertFalse(cio.config().toString().contains("wrong-key"), cio.config().toString());
    }
    try (CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir).build())) {
      cio.flush().get(20, TimeUnit.SECONDS);
      Health h = cio.health();
      assertEquals(HealthStatus.UP, h.status(), h.reasons().toString());
      assertNotNull(h.lastSuccess());
      assertEquals("CLOSED", h.breakerState());
      assertTrue(h.deliveredPerSecond() > 0);
      MeterRegistry m = cio.meterRegistry();
      assertEquals(1.0, m.get(DeliveryMetrics.DELIVERED).counter().count());
      assertEquals(0.0, m.get(DeliveryMetrics.BACKLOG).gauge().value());
      assertEquals(0.0, m.get(DeliveryMetrics.BREAKER_STATE).gauge().value());
      assertTrue(m.get(DeliveryMetrics.REQUESTS).tag("outcome", "delivered").timer().count() >= 1);
    }
    assertEquals(1, sim.records().count());
    assertTrue(sim.stats().count(401) >= 1);
  }

  @Test
  void outboxCapRejectsWithTheLimitNamedAndCountsIt() {
    sim.faults().outage(OutageMode.SERVICE_UNAVAILABLE);
    try (CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir).maxPendingOperations(10).build())) {
      for (int i = 0; i < 10; i++) {
        assertTrue(cio.track("p", "e", Map.of()).isAccepted());
      }
      Receipt full = cio.track("p", "e", Map.of());
      assertEquals(Rejection.Reason.FULL, full.rejection().reason());
      assertTrue(full.rejection().message().contains("10"), full.rejection().message());
      assertEquals(1.0, cio.meterRegistry().get(DeliveryMetrics.REJECTED).tag("reason", "full").counter().count());
      cio.close(Duration.ofMillis(200));
    }
  }

  @Test
  void unchangedIdentifyIsSkippedWithinTheWindow() throws Exception {
    try (CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir)
        .identifyDedupWindow(Duration.ofMinutes(5)).build())) {
      assertEquals(Receipt.Status.ACCEPTED, cio.identify("p1", Map.of("plan", "pro")).status());
      assertEquals(Receipt.Status.SKIPPED, cio.identify("p1", Map.of("plan", "pro")).status());
      assertEquals(Receipt.Status.ACCEPTED, cio.identify("p1", Map.of("plan", "team")).status());
      assertEquals(Receipt.Status.ACCEPTED, cio.identify("p2", Map.of("plan", "pro")).status());
      // Events are never skipped: two genuine identical events both count.
      assertTrue(cio.track("p1", "view", Map.of("page", "/")).isAccepted());
      assertTrue(cio.track("p1", "view", Map.of("page", "/")).isAccepted());
      cio.flush().get(20, TimeUnit.SECONDS);
      assertEquals(Receipt.Status.SKIPPED, cio.identify("p1", Map.of("plan", "team")).status());
      // A delete in between: the same identify re-creates the person and must be sent.
      assertTrue(cio.delete("p1").isAccepted());
      assertEquals(Receipt.Status.ACCEPTED, cio.identify("p1", Map.of("plan", "team")).status());
      cio.flush().get(20, TimeUnit.SECONDS);
    }
    assertEquals(4, sim.records().count(RecordedOperation.Action.IDENTIFY));
    assertEquals(2, sim.records().events("view").size());
  }
}
