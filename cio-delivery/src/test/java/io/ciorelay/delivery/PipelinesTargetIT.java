package io.ciorelay.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.client.Device;
import io.ciorelay.client.Identifiers;
import io.ciorelay.delivery.health.HealthStatus;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.CioSimulatorExtension;
import io.ciorelay.simulator.Faults;
import io.ciorelay.simulator.OutageMode;
import io.ciorelay.simulator.PipelinesCall;
import io.ciorelay.simulator.ScriptedResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library with {@link Api#PIPELINES} delivering to the simulator's Data Pipelines API over real
 * HTTP: every operation arrives once by messageId in per-person order, survives a restart, a
 * refused call is dead-lettered alone with Customer.io's reason, a 429 pauses and is retried, and a
 * lost reply is re-sent with the same messageId (which the simulator drops as a repeat).
 */
class PipelinesTargetIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One simulator per test (an instance field), closed after it. */
  @RegisterExtension
  final CioSimulatorExtension simulator = CioSimulatorExtension.create(b -> b.rateLimit(0));

  @TempDir
  Path dir;
  CioSimulator sim;

  @BeforeEach
  void start(CioSimulator sim) {
    this.sim = sim;
  }

  private CustomerIoConfig.Builder config() {
    return DeliveryTestSupport.config(sim, dir).api(Api.PIPELINES).pipelinesWriteKey(sim.pipelines().writeKey());
  }

  /** The {@code seq} a test put in a call's traits or properties, or -1. */
  private static int seq(PipelinesCall c) {
    try {
      JsonNode n = JSON.readTree(c.json());
      JsonNode s = n.path("properties").path("seq");
      return s.isMissingNode() ? n.path("traits").path("seq").asInt(-1) : s.asInt();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Each messageId recorded once, and each person's numbered calls in increasing order. */
  private void assertOnceAndInOrder(int expected) {
    List<PipelinesCall> calls = sim.pipelines().calls();
    Set<String> ids = new HashSet<>();
    for (PipelinesCall c : calls) {
      assertTrue(ids.add(c.messageId()), "messageId " + c.messageId() + " recorded twice");
    }
    assertEquals(expected, calls.size(), "calls recorded");
    Map<String, Integer> last = new HashMap<>();
    for (PipelinesCall c : calls) {
      int s = seq(c);
      if (s >= 0) {
        Integer prev = last.put(c.person(), s);
        assertTrue(prev == null || prev < s, c.person() + ": call " + s + " arrived after " + prev);
      }
    }
  }

  /** 5 persons × (identify, 3 events, a page) with increasing seq; returns how many calls that is. */
  private static int workload(CustomerIo cio, int from) {
    int n = 0;
    for (int round = 0; round < 5; round++) {
      for (int p = 0; p < 5; p++) {
        int seq = from + round * 10;
        String person = "person-" + p;
        assertTrue(cio.identify(person, Map.of("seq", seq, "plan", "pro")).isAccepted());
        for (int e = 1; e <= 3; e++) {
          assertTrue(cio.track(person, "ordered", Map.of("seq", seq + e)).isAccepted());
        }
        assertTrue(cio.page(person, "/home", Map.of("seq", seq + 4)).isAccepted());
        n += 5;
      }
    }
    return n;
  }

  @Test
  void everyLibraryCallArrivesOnceByMessageIdAsItsSegmentSpecCallInPerPersonOrder() throws Exception {
    try (CustomerIo cio = CustomerIo.create(config().build())) {
      int n = workload(cio, 0);
      assertTrue(cio.suppress("person-0").isAccepted());
      assertTrue(cio.addDevice("person-1", Device.builder("tok-1", "ios").build()).isAccepted());
      assertTrue(cio.merge(Identifiers.id("person-2"), Identifiers.email("old@example.com")).isAccepted());
      cio.flush().get(30, TimeUnit.SECONDS);
      assertOnceAndInOrder(n + 3);
      assertEquals(n + 3, cio.meterRegistry().get(DeliveryMetrics.DELIVERED).counter().count());
      assertEquals(HealthStatus.UP, cio.health().status(), cio.health().reasons().toString());
    }
    assertEquals(1, sim.pipelines().calls().stream().filter(c -> "User Suppressed".equals(c.event())).count());
    assertEquals(1, sim.pipelines().calls().stream().filter(c -> "Device Created or Updated".equals(c.event())).count());
    PipelinesCall alias = sim.pipelines().calls().stream().filter(c -> c.type().equals("alias")).findFirst().orElseThrow();
    assertEquals("person-2", alias.userId());
    assertEquals("old@example.com", alias.previousId());
    assertEquals(0, sim.records().count(), "nothing went to the Track API");
  }

  @Test
  void operationsStoredWhilePausedAreDeliveredAfterARestartWithTheIdsTheyWereGiven() throws Exception {
    List<String> eventIds = new ArrayList<>();
    int n;
    try (CustomerIo cio = CustomerIo.create(config().build())) {
      cio.pause();
      n = workload(cio, 0);
      eventIds.add(cio.track("person-9", "late", Map.of("seq", 1)).eventId());
      cio.close(Duration.ofSeconds(5));
    }
    assertEquals(0, sim.pipelines().count());
    try (CustomerIo cio = CustomerIo.create(config().build())) {
      cio.flush().get(30, TimeUnit.SECONDS);
    }
    assertOnceAndInOrder(n + 1);
    assertTrue(sim.pipelines().containsMessageId(eventIds.get(0)), "an event's messageId is its ULID id");
  }

  @Test
  void aCallCustomerIoRefusesIsDeadLetteredAloneWithItsReasonAndTheRestDelivered() throws Exception {
    sim.faults().poison("poison", Faults.PoisonMode.OPERATION);
    try (CustomerIo cio = CustomerIo.create(config().build())) {
      List<String> good = new ArrayList<>();
      Receipt bad = null;
      for (int i = 0; i < 40; i++) {
        if (i == 17) {
          bad = cio.track("p" + (i % 3), "order", Map.of("seq", i, "poison", true));
        } else {
          good.add(cio.track("p" + (i % 3), "order", Map.of("seq", i)).eventId());
        }
      }
      cio.flush().get(30, TimeUnit.SECONDS);
      assertOnceAndInOrder(39);
      good.forEach(id -> assertTrue(sim.pipelines().containsMessageId(id), id));
      DeliveryOutcome outcome = bad.delivered().get(5, TimeUnit.SECONDS);
      assertEquals(DeliveryOutcome.Status.DEAD_LETTERED, outcome.status());
      List<DeadLetter> dls = cio.deadLetters().list(0, 10);
      assertEquals(1, dls.size());
      assertEquals(400, dls.get(0).lastStatus());
      assertTrue(dls.get(0).reason().contains("attribute 'poison' is not allowed"), dls.get(0).reason());
      assertEquals(HealthStatus.DEGRADED, cio.health().status());
    }
  }

  @Test
  void a429PausesDeliveryAndTheSameCallsAreDeliveredAfterIt() throws Exception {
    sim.faults().enqueue(ScriptedResponse.of(429).withHeader("Retry-After", "1"));
    try (CustomerIo cio = CustomerIo.create(config().build())) {
      int n = workload(cio, 0);
      cio.flush().get(30, TimeUnit.SECONDS);
      assertOnceAndInOrder(n);
      assertTrue(cio.meterRegistry().get(DeliveryMetrics.RATE_LIMIT_PAUSES).counter().count() >= 1);
      assertEquals(0, cio.deadLetters().count());
    }
  }

  @Test
  void aLostReplyIsRetriedWithTheSameMessageIdsAndCustomerIoKeepsOneCopy() throws Exception {
    sim.faults().outage(OutageMode.LOST_ACKNOWLEDGEMENT);
    try (CustomerIo cio = CustomerIo.create(config().build())) {
      int n = workload(cio, 0);
      // Stored but unanswered: each lane re-sends its head batch, which the simulator drops as repeats.
      await().atMost(Duration.ofSeconds(20)).until(() -> sim.pipelines().duplicateCount() > 0);
      sim.faults().endOutage();
      cio.flush().get(30, TimeUnit.SECONDS);
      assertOnceAndInOrder(n);
      assertTrue(sim.pipelines().duplicateCount() > 0, "a re-sent call was dropped as a repeat by messageId");
      assertEquals(0, cio.deadLetters().count());
    }
  }

  @Test
  void aWrongWriteKeyIsRefusedByStrictModeAndPausesDeliveryInsteadOfBeingDroppedSilently() throws Exception {
    try (CustomerIo cio = CustomerIo.create(config().pipelinesWriteKey("wrong-key").build())) {
      assertTrue(cio.track("p", "e", Map.of("seq", 1)).isAccepted());
      await().atMost(Duration.ofSeconds(10)).until(() -> cio.health().status() == HealthStatus.DOWN);
      assertTrue(cio.health().reasons().toString().contains("write key"), cio.health().reasons().toString());
      assertEquals(0, sim.pipelines().droppedCount(), "strict mode: a 401, not a 200 that drops");
      assertEquals(0, cio.deadLetters().count());
      assertEquals(1, cio.health().backlog());
    }
  }

  @Test
  void anOperationOver32KbOrWithoutASegmentSpecCallIsRefusedAtTheCallAndNeverSent() throws Exception {
    try (CustomerIo cio = CustomerIo.create(config().build())) {
      Receipt big = cio.track("p", "big", Map.of("blob", "x".repeat(33_000)));
      assertEquals(Receipt.Status.REJECTED, big.status());
      assertTrue(big.rejection().message().matches(".*limit is 32(000|768) bytes.*"), big.rejection().message());
      Receipt phone = cio.identify(Identifiers.phone("+15555550100"), Map.of());
      assertEquals(Receipt.Status.REJECTED, phone.status());
      assertTrue(phone.rejection().message().contains("no Segment-spec equivalent"), phone.rejection().message());
      cio.flush().get(10, TimeUnit.SECONDS);
      assertEquals(0, sim.pipelines().count());
    }
  }
}
