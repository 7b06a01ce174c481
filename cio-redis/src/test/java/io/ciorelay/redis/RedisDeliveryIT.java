package io.ciorelay.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.delivery.Api;
import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.Receipt;
import io.ciorelay.delivery.ratelimit.RateLimitConfig;
import io.ciorelay.delivery.retry.RetryConfig;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.OutageMode;
import io.ciorelay.simulator.PipelinesCall;
import io.ciorelay.simulator.RecordedOperation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code CustomerIo} delivering from the Redis store to the simulator: alone, and two relays sharing it. */
class RedisDeliveryIT {
  static final ObjectMapper JSON = new ObjectMapper();
  /**
   * Long enough that no request times out on a loaded 2-core machine: a timed-out request is
   * re-sent, and a re-sent identify is recorded twice, which the strict per-person order check
   * below would report (events are de-duplicated by id). With 2 s, first requests timed out under
   * a load average of 30.
   */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  String uri;
  String prefix;
  CioSimulator sim;
  final List<AutoCloseable> open = new ArrayList<>();

  /** The Redis these tests run on; {@link RedisClusterDeliveryIT} runs them on a cluster. */
  String redisUri() {
    return RedisTestServer.sharedUri();
  }

  @BeforeEach
  void setUp() {
    uri = redisUri();
    prefix = RedisTestServer.prefix();
    sim = CioSimulator.builder().rateLimit(0).build().start();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    sim.close();
    RedisTestServer.deleteKeys(uri, prefix);
  }

  RedisStoreConfig store(String relayId, SimpleMeterRegistry registry) {
    return RedisStoreConfig.builder().uri(uri).prefix(prefix).workspace("ws").relayId(relayId)
        .leaseTtl(REQUEST_TIMEOUT.multipliedBy(3).dividedBy(2)).maxRequestTime(REQUEST_TIMEOUT).meterRegistry(registry).build();
  }

  CustomerIo relay(String relayId, int rps, SimpleMeterRegistry registry) {
    return relay(relayId, rps, registry, Api.TRACK_V2);
  }

  CustomerIo relay(String relayId, int rps, SimpleMeterRegistry registry, Api api) {
    RedisStoreConfig store = store(relayId, registry);
    RedisRateLimiter limiter = RedisRateLimiter.create(store, RateLimitConfig.of(rps, 0.8));
    open.add(limiter);
    CustomerIo cio = CustomerIo.create(CustomerIoConfig.builder()
        .api(api)
        .pipelinesWriteKey(sim.pipelines().writeKey())
        .workspace("ws")
        .credentials(sim.siteId(), sim.apiKey())
        .baseUrl(sim.baseUrl())
        .lanes(16)
        .maxBatchOperations(50)
        .linger(Duration.ofMillis(50))
        .requestTimeout(REQUEST_TIMEOUT)
        .retry(RetryConfig.builder().baseDelay(Duration.ofMillis(200)).maxDelay(Duration.ofSeconds(2)).build())
        .outboxFactory(RedisOutbox.factory(store))
        .rateLimiter(limiter)
        .build());
    open.add(cio);
    return cio;
  }

  /** Sends n operations for persons {@code <tag>-0..persons-1}: one identify in five, the rest events. */
  static List<String> send(CustomerIo cio, String tag, int persons, int n) {
    List<String> eventIds = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      String person = tag + "-" + (s % persons);
      Receipt r = s % 5 == 0
          ? cio.identify(person, Map.of("seq", s, "plan", "pro"))
          : cio.track(person, "purchase", Map.of("seq", s, "sku", "sku-" + (s % 97)));
      assertTrue(r.isAccepted(), "operation " + s + " was not accepted: " + r);
      if (s % 5 != 0) {
        eventIds.add(r.eventId());
      }
    }
    return eventIds;
  }

  long distinctOperations() {
    Set<String> keys = new HashSet<>();
    for (RecordedOperation op : sim.records().all()) {
      keys.add(op.identifierValue() + "#" + seqOf(op));
    }
    return keys.size();
  }

  static long seqOf(RecordedOperation op) {
    try {
      return JSON.readTree(op.attributesJson()).path("seq").asLong(-1);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  void assertEveryEventOnceAndPerPersonOrder(List<String> eventIds) {
    Map<String, Integer> counts = new HashMap<>();
    for (RecordedOperation op : sim.records().events()) {
      counts.merge(op.eventId(), 1, Integer::sum);
    }
    for (String id : eventIds) {
      assertEquals(1, counts.getOrDefault(id, 0), "event " + id + " recorded this many times");
    }
    assertEquals(eventIds.size(), counts.size(), "recorded event ids");
    // First arrivals in order: a request that timed out at the client but was processed is sent
    // again, and an identify (which nothing de-duplicates) then arrives twice; its repeat is skipped.
    Map<String, Long> last = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (RecordedOperation op : sim.records().all()) {
      long seq = seqOf(op);
      if (!seen.add(op.identifierValue() + "#" + seq)) {
        continue;
      }
      Long prev = last.put(op.identifierValue(), seq);
      assertTrue(prev == null || prev < seq,
          "person " + op.identifierValue() + ": seq " + seq + " arrived after seq " + prev);
    }
  }

  @Test
  void oneRelayDeliversEverythingOnceInOrderPerPerson() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CustomerIo cio = relay("relay-a", 100, registry);
    List<String> events = send(cio, "p", 200, 3_000);
    await().atMost(Duration.ofSeconds(60)).until(() -> distinctOperations() == 3_000);
    assertEveryEventOnceAndPerPersonOrder(events);
    assertEquals(0, cio.deadLetters().count());
    await().atMost(Duration.ofSeconds(5)).until(() -> cio.health().toString() != null);
    cio.close(Duration.ofSeconds(10));
    double trips = registry.get("cio.redis.round.trips").counters().stream().filter(c -> !"tick".equals(c.getId().getTag("op")))
        .mapToDouble(c -> c.count()).sum();
    long requests = sim.stats().totalRequests();
    System.out.printf("one relay: %d operations in %d requests; %.0f Redis round trips besides polling "
        + "(%.2f per operation, %.1f per request)%n", 3_000, requests, trips, trips / 3_000, trips / requests);
  }

  @Test
  void twoRelaysSharingTheStoreDeliverEverythingExactlyOnceBetweenThem() throws Exception {
    int rps = 40;
    CustomerIo a = relay("relay-a", rps, new SimpleMeterRegistry());
    CustomerIo b = relay("relay-b", rps, new SimpleMeterRegistry());
    List<String> events = new ArrayList<>();
    Thread ta = new Thread(() -> events.addAll(send(a, "a", 100, 2_000)));
    ta.start();
    List<String> fromB = send(b, "b", 100, 2_000);
    ta.join();
    events.addAll(fromB);
    await().atMost(Duration.ofSeconds(90)).until(() -> distinctOperations() == 4_000);
    a.flush().get();
    assertEveryEventOnceAndPerPersonOrder(events);
    assertTrue(sim.stats().peakRequestsPerSecond() <= rps,
        "peak requests in one second across both relays: " + sim.stats().peakRequestsPerSecond());
    assertEquals(0, sim.records().duplicateCount(), "duplicates");
  }

  @Test
  void onThePipelinesApiASecondRelayReSendsWhatTheFirstSentWithTheSameMessageIds() {
    // The first relay's requests are stored by Customer.io but their answers lost; it stops, and
    // the second relay delivers the same stored operations: identifies too carry the messageId
    // given at acceptance, so the simulator keeps one copy of each.
    sim.faults().outage(OutageMode.LOST_ACKNOWLEDGEMENT);
    CustomerIo a = relay("relay-a", 100, new SimpleMeterRegistry(), Api.PIPELINES);
    for (int s = 0; s < 60; s++) {
      assertTrue(a.identify("p-" + (s % 6), Map.of("seq", s)).isAccepted());
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> sim.pipelines().count() >= 6);
    a.close(Duration.ofMillis(200));
    sim.faults().endOutage();
    CustomerIo b = relay("relay-b", 100, new SimpleMeterRegistry(), Api.PIPELINES);
    await().atMost(Duration.ofSeconds(60)).until(() -> b.health().backlog() == 0);
    List<PipelinesCall> calls = sim.pipelines().calls();
    assertEquals(60, calls.size(), "each stored identify recorded once: " + calls.size());
    assertEquals(60, calls.stream().map(PipelinesCall::messageId).distinct().count());
    assertTrue(sim.pipelines().duplicateCount() > 0, "the second relay re-sent calls the first had delivered");
  }
}
