package io.ciorelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.delivery.breaker.BreakerConfig;
import io.ciorelay.delivery.retry.RetryConfig;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.RecordedOperation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Shared set-up for tests that deliver to a simulator. */
final class DeliveryTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeliveryTestSupport() {}

  /** A config pointed at the simulator with test-friendly timings (short backoff and breaker wait). */
  static CustomerIoConfig.Builder config(CioSimulator sim, Path dir) {
    return CustomerIoConfig.builder()
        .credentials(sim.siteId(), sim.apiKey())
        .baseUrl(sim.baseUrl())
        .storagePath(dir.resolve("outbox.db"))
        .lanes(8)
        .linger(Duration.ofMillis(50))
        .requestTimeout(Duration.ofSeconds(2))
        .retry(RetryConfig.builder().baseDelay(Duration.ofMillis(200)).maxDelay(Duration.ofSeconds(3)).build())
        .breaker(BreakerConfig.builder().openWait(Duration.ofSeconds(2)).build());
  }

  /** The {@code seq} attribute a test put in an operation's attributes or event data. */
  static long seqOf(RecordedOperation op) {
    try {
      JsonNode n = JSON.readTree(op.attributesJson());
      return n.path("seq").asLong(-1);
    } catch (Exception e) {
      throw new AssertionError("unreadable attributes of " + op, e);
    }
  }

  /**
   * Asserts each person's operations first arrived in acceptance order (strictly increasing
   * {@code seq} attributes). A repeat of an operation already seen is skipped: a request that timed
   * out at the client but was processed by the server is re-sent, and Customer.io drops repeated
   * events by id (identifies are idempotent and carry the acceptance timestamp).
   */
  static void assertPerPersonOrder(List<RecordedOperation> recorded) {
    Map<String, Long> last = new HashMap<>();
    Map<String, java.util.Set<Long>> seen = new HashMap<>();
    for (RecordedOperation op : recorded) {
      long seq = seqOf(op);
      if (seq < 0) {
        continue;
      }
      if (!seen.computeIfAbsent(op.identifierValue(), k -> new java.util.HashSet<>()).add(seq)) {
        continue;
      }
      Long prev = last.put(op.identifierValue(), seq);
      assertTrue(prev == null || prev < seq,
          "person " + op.identifierValue() + ": operation seq " + seq + " arrived after seq " + prev);
    }
  }

  /** Distinct operations (by person and {@code seq} attribute) the simulator recorded. */
  static long distinctOperations(CioSimulator sim) {
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (RecordedOperation op : sim.records().all()) {
      keys.add(op.identifierValue() + "#" + seqOf(op));
    }
    return keys.size();
  }

  /** Asserts every expected event id was recorded exactly once and nothing else was. */
  static void assertExactlyOnce(CioSimulator sim, java.util.Collection<String> expectedIds) {
    Map<String, Integer> counts = new HashMap<>();
    for (RecordedOperation op : sim.records().events()) {
      counts.merge(op.eventId(), 1, Integer::sum);
    }
    for (String id : expectedIds) {
      assertEquals(1, counts.getOrDefault(id, 0), "event " + id + " recorded this many times");
    }
    assertEquals(expectedIds.size(), counts.size(), "recorded event ids");
  }
}
