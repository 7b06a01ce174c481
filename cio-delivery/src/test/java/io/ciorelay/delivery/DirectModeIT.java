package io.ciorelay.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.delivery.breaker.BreakerConfig;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.OutageMode;
import io.ciorelay.simulator.ScriptedResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synchronous view: inline delivery when healthy, the outbox when not. */
class DirectModeIT {
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
  void deliversInlineWhenCustomerIoIsHealthy() {
    try (CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir).build())) {
      DirectClient.Result r = cio.direct().send(
          Operation.event(Identifiers.id("direct-1"), "signup", Map.of("plan", "pro")));
      assertEquals(DirectClient.Result.Status.DELIVERED, r.status(), r.message());
      assertEquals(1, r.attempts());
      assertNotNull(r.eventId());
      // Recorded before the call returned: nothing went through the outbox.
      assertTrue(sim.records().containsEventId(r.eventId()));
      assertEquals(0, cio.health().backlog());
    }
  }

  @Test
  void breakerOpenMeansQueuedThenDeliveredLater() {
    CustomerIoConfig config = DeliveryTestSupport.config(sim, dir)
        .breaker(BreakerConfig.builder().failureThreshold(3).openWait(Duration.ofSeconds(5)).build())
        .build();
    try (CustomerIo cio = CustomerIo.create(config)) {
      sim.faults().outage(OutageMode.SERVICE_UNAVAILABLE);
      DirectClient.Result first = cio.direct().send(
          Operation.event(Identifiers.id("direct-2"), "checkout", Map.of("n", 1)));
      assertEquals(DirectClient.Result.Status.QUEUED, first.status());
      assertTrue(first.attempts() >= 1);
      // Retries exhausted inline: the operation is in the outbox with the same id.
      assertTrue(first.receipt().isAccepted());
      assertEquals(first.eventId(), first.receipt().eventId());
      await().atMost(Duration.ofSeconds(10)).until(() -> "OPEN".equals(cio.health().breakerState()));
      DirectClient.Result second = cio.direct().send(
          Operation.event(Identifiers.id("direct-2"), "checkout", Map.of("n", 2)));
      assertEquals(DirectClient.Result.Status.QUEUED, second.status());
      assertEquals(0, second.attempts(), "breaker open: no inline attempt");
      assertTrue(second.message().contains("OPEN"), second.message());

      sim.faults().endOutage();
      await().atMost(Duration.ofSeconds(30)).until(() ->
          sim.records().containsEventId(first.eventId()) && sim.records().containsEventId(second.eventId()));
      // 503s come before processing, so nothing reached Customer.io twice.
      assertEquals(0, sim.stats().duplicateEvents());
    }
  }

  @Test
  void invalidOperationIsRejectedWithCustomerIosReasonNotQueued() {
    try (CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir).build())) {
      sim.faults().enqueue(ScriptedResponse.of(400)
          .withBody("{\"errors\":[{\"reason\":\"invalid\",\"field\":\"name\",\"message\":\"name is reserved\"}]}"));
      DirectClient.Result r = cio.direct().send(
          Operation.event(Identifiers.id("direct-3"), "reserved", Map.of()));
      assertEquals(DirectClient.Result.Status.REJECTED, r.status());
      assertTrue(r.message().contains("name is reserved"), r.message());
      assertEquals(0, cio.health().backlog());

      DirectClient.Result tooLong = cio.direct().send(
          Operation.event(Identifiers.id("direct-3"), "x".repeat(101), Map.of()));
      assertEquals(DirectClient.Result.Status.REJECTED, tooLong.status());
      assertEquals(0, tooLong.attempts(), "rejected before any request");
      assertTrue(tooLong.message().contains("100"), tooLong.message());
    }
  }
}
