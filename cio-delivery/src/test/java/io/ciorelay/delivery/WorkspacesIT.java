package io.ciorelay.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.client.Region;
import io.ciorelay.delivery.routing.Routing;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.RecordedOperation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two workspaces (two simulators standing in for a US and an EU workspace, with different limits):
 * each receives only the operations routed to it, each within its own limit.
 */
class WorkspacesIT {
  @TempDir
  Path dir;
  final List<CioSimulator> sims = new ArrayList<>();

  @AfterEach
  void stop() {
    sims.forEach(CioSimulator::close);
  }

  private CioSimulator sim() {
    CioSimulator s = CioSimulator.builder().rateLimit(0).build().start();
    sims.add(s);
    return s;
  }

  private CustomerIoConfig.Builder config(String name, CioSimulator sim, Region region, double rps) {
    return DeliveryTestSupport.config(sim, dir.resolve(name))
        .workspace(name)
        .region(region)
        .baseUrl(sim.baseUrl())
        // 60 % of the limit: the simulator measures arrivals, which bunch by a request or two on a
        // busy machine; the check is that each workspace stays within its own limit.
        .rateLimit(rps, 0.6)
        .maxBatchOperations(4)
        .lanes(8);
  }

  @Test
  void routesByRegionHintAndEachWorkspaceKeepsItsOwnLimit() {
    CioSimulator us = sim();
    CioSimulator eu = sim();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Routing routing = Routing.byRegionHint("region", Map.of(Region.US, "us", Region.EU, "eu"), "us");
    Set<String> usPeople = new HashSet<>();
    Set<String> euPeople = new HashSet<>();
    List<String> usEvents = new ArrayList<>();
    List<String> euEvents = new ArrayList<>();
    try (Workspaces ws = Workspaces.create(List.of(
        config("us", us, Region.US, 20).meterRegistry(registry).build(),
        config("eu", eu, Region.EU, 8).meterRegistry(registry).build()), routing)) {
      for (int i = 0; i < 300; i++) {
        String person = "p" + i;
        boolean inEu = i % 3 == 0;
        (inEu ? euPeople : usPeople).add(person);
        Map<String, Object> attrs = Map.of("region", inEu ? "EU" : "us", "seq", i);
        assertTrue(ws.submit(Operation.identify(Identifiers.id(person), attrs)).isAccepted());
        Receipt r = ws.submit(Operation.event(Identifiers.id(person), "order", attrs));
        assertTrue(r.isAccepted(), r.toString());
        (inEu ? euEvents : usEvents).add(r.eventId());
      }
      await().atMost(Duration.ofSeconds(90)).until(() -> us.records().all().size() >= 400 && eu.records().all().size() >= 200);
      assertEquals(Set.of("us", "eu"), ws.health().keySet());
      // Each workspace's meters carry its own tag.
      assertEquals(200.0, registry.get("cio.operations.accepted").tag("workspace", "eu").counter().count());
      assertEquals(400.0, registry.get("cio.operations.accepted").tag("workspace", "us").counter().count());
    }
    assertOnly(us, usPeople);
    assertOnly(eu, euPeople);
    DeliveryTestSupport.assertExactlyOnce(us, usEvents);
    DeliveryTestSupport.assertExactlyOnce(eu, euEvents);
    assertTrue(us.stats().peakRequestsPerSecond() <= 20, "us peak " + us.stats().peakRequestsPerSecond());
    assertTrue(eu.stats().peakRequestsPerSecond() <= 8, "eu peak " + eu.stats().peakRequestsPerSecond());
    // The EU workspace, at 8 requests/s, needs at least 200 / 4 = 50 requests: it was paced, not idle.
    assertTrue(eu.stats().totalRequests() >= 50, "eu requests " + eu.stats().totalRequests());
  }

  private static void assertOnly(CioSimulator sim, Set<String> people) {
    for (RecordedOperation op : sim.records().all()) {
      assertTrue(people.contains(op.identifierValue()), "person " + op.identifierValue() + " reached the wrong workspace");
    }
    Set<String> seen = new HashSet<>();
    sim.records().all().forEach(op -> seen.add(op.identifierValue()));
    assertEquals(people, seen);
  }

  @Test
  void hashRoutingKeepsEachPersonInOneWorkspace() {
    CioSimulator a = sim();
    CioSimulator b = sim();
    try (Workspaces ws = Workspaces.create(List.of(
        config("a", a, Region.US, 100).build(), config("b", b, Region.US, 100).build()),
        Routing.byHash(List.of("a", "b")))) {
      for (int i = 0; i < 200; i++) {
        for (int k = 0; k < 3; k++) {
          assertTrue(ws.submit(Operation.event(Identifiers.id("h" + i), "e", Map.of("k", k))).isAccepted());
        }
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> a.records().all().size() + b.records().all().size() >= 600);
    }
    Set<String> inA = new HashSet<>();
    a.records().all().forEach(op -> inA.add(op.identifierValue()));
    Set<String> inB = new HashSet<>();
    b.records().all().forEach(op -> inB.add(op.identifierValue()));
    assertFalse(inA.isEmpty());
    assertFalse(inB.isEmpty());
    Set<String> both = new HashSet<>(inA);
    both.retainAll(inB);
    assertTrue(both.isEmpty(), "persons in both workspaces: " + both);
    assertEquals(200, inA.size() + inB.size());
  }

  @Test
  void unroutableOperationsAreRejectedWithTheReasonAndNothingIsStored() {
    CioSimulator a = sim();
    try (Workspaces ws = Workspaces.create(List.of(config("a", a, Region.US, 100).build()),
        Routing.byAttribute("tenant", Map.of("acme", "a"), null))) {
      Receipt missing = ws.submit(Operation.delete(Identifiers.id("x")));
      assertFalse(missing.isAccepted());
      assertEquals(Rejection.Reason.INVALID, missing.rejection().reason());
      assertTrue(missing.rejection().message().contains("no attribute 'tenant'"), missing.rejection().message());
      Receipt unknown = ws.submit(Operation.identify(Identifiers.id("x"), Map.of("tenant", "globex")));
      assertTrue(unknown.rejection().message().contains("'globex' matches no workspace"), unknown.rejection().message());
      assertTrue(ws.submit(Operation.identify(Identifiers.id("x"), Map.of("tenant", "ACME"))).isAccepted());
      // Only the routable identify was stored, and it is delivered.
      await().atMost(Duration.ofSeconds(30)).until(() -> a.records().all().size() == 1 && ws.get("a").health().backlog() == 0);
      assertEquals("x", a.records().all().get(0).identifierValue());
    }
  }

  @Test
  void misconfigurationsAreRefusedNamingTheProblem() {
    CioSimulator a = sim();
    CustomerIoConfig one = config("a", a, Region.US, 100).build();
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> Workspaces.create(List.of(one, config("a", a, Region.US, 100).storagePath(dir.resolve("x.db")).build()),
            Routing.fixed("a")));
    assertTrue(twice.getMessage().contains("'a' is configured twice"), twice.getMessage());
    IllegalArgumentException sharedFile = assertThrows(IllegalArgumentException.class,
        () -> Workspaces.create(List.of(one, config("b", a, Region.US, 100).storagePath(one.outbox().path()).build()),
            Routing.fixed("a")));
    assertTrue(sharedFile.getMessage().contains("outbox file"), sharedFile.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> Workspaces.create(List.of(one), Routing.byHash(List.of("a", "zz"))));
    assertTrue(unknown.getMessage().contains("[zz]"), unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Routing.byAttribute(" ", Map.of("x", "a"), null));
    assertThrows(IllegalArgumentException.class, () -> Routing.byHash(List.of("a", "a")));
    assertThrows(IllegalArgumentException.class, () -> Workspaces.create(List.of(), Routing.fixed("a")));
  }
}
