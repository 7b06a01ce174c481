package io.ciorelay.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.CioApiException;
import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.client.PipelinesClient;
import io.ciorelay.client.SegmentCalls;
import io.ciorelay.client.ValidationException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** cio-client's PipelinesClient (strict mode, Basic write key) against the simulator's Pipelines API. */
class PipelinesClientAgainstSimulatorIT {

  @Test
  void operationsSentAsSegmentCallsAreAcceptedAndRecordedOnce() {
    try (CioSimulator sim = CioSimulator.builder().rateLimit(0).pipelinesWriteKey("wk-it").build().start();
        PipelinesClient client = PipelinesClient.create(URI.create(sim.baseUrl()), "wk-it", Duration.ofSeconds(5))) {
      List<Map<String, Object>> calls = new ArrayList<>();
      calls.addAll(SegmentCalls.toCalls(Operation.identify(Identifiers.id("u1"), Map.of("plan", "pro")), "1"));
      calls.addAll(SegmentCalls.toCalls(Operation.event(Identifiers.id("u1"), "purchase", Map.of())
          .withId("01JAAAAAAAAAAAAAAAAAAAAAAA").withTimestamp(1_700_000_000L), "2"));
      calls.addAll(SegmentCalls.toCalls(Operation.merge(Identifiers.id("u1"), Identifiers.email("o@example.com")), "3"));
      client.batch(calls);
      client.batch(calls); // a retry: the same messageIds
      List<PipelinesCall> u1 = sim.pipelines().forPerson("u1");
      assertEquals(List.of("identify", "track", "alias"), u1.stream().map(PipelinesCall::type).toList());
      assertEquals("01JAAAAAAAAAAAAAAAAAAAAAAA", u1.get(1).messageId());
      assertEquals(3, sim.pipelines().duplicateCount());
    }
  }

  @Test
  void strictModeMakesRefusalsVisible() {
    try (CioSimulator sim = CioSimulator.builder().rateLimit(0).build().start();
        PipelinesClient wrong = PipelinesClient.create(URI.create(sim.baseUrl()), "not-the-key", Duration.ofSeconds(5));
        PipelinesClient client = PipelinesClient.create(URI.create(sim.baseUrl()), sim.pipelines().writeKey(),
            Duration.ofSeconds(5))) {
      List<Map<String, Object>> ok = SegmentCalls.toCalls(Operation.delete(Identifiers.id("u2")), "9");
      assertEquals(401, assertThrows(CioApiException.class, () -> wrong.batch(ok)).status());
      CioApiException bad = assertThrows(CioApiException.class, () -> client.batch(List.of(Map.of("type", "track",
          "userId", "u2"))));
      assertEquals(400, bad.status());
      assertTrue(bad.getMessage().contains("batch[0].event"), bad.getMessage());
      ValidationException big = assertThrows(ValidationException.class, () -> client.batch(List.of(Map.of("type",
          "track", "userId", "u2", "event", "e", "properties", Map.of("x", "a".repeat(40_000))))));
      assertEquals("batch[0]", big.violations().get(0).field());
      assertEquals(0, sim.pipelines().count());
      assertEquals(0, sim.pipelines().droppedCount(), "strict mode drops nothing silently");
    }
  }
}
