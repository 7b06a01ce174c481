package io.ciorelay.server.torture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.Faults;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each invariant of the fault-schedule run holds on a clean record and names what broke it otherwise. */
class InvariantsTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  CioSimulator sim;
  final List<Ledger.Durable> durable = new ArrayList<>();
  final List<Target.DeadLetterSeen> dead = new ArrayList<>();
  final List<Invariants.Happened> windows = new ArrayList<>();
  long peak = 5;

  @BeforeEach
  void start() {
    sim = CioSimulator.builder().rateLimit(0).build().start();
    sim.faults().poison(Workload.POISON, Faults.PoisonMode.OPERATION);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  void send(String... ops) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/v2/batch"))
        .header("Authorization", sim.authorizationHeader()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"batch\":[" + String.join(",", ops) + "]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() == 200 || r.statusCode() == 207, r.body());
  }

  static String event(String person, long seq, String id) {
    return "{\"type\":\"person\",\"identifiers\":{\"id\":\"" + person + "\"},\"action\":\"event\",\"name\":\"torture\","
        + "\"id\":\"" + id + "\",\"attributes\":{\"seq\":" + seq + "}}";
  }

  static String poisoned(String person, long seq) {
    return "{\"type\":\"person\",\"identifiers\":{\"id\":\"" + person + "\"},\"action\":\"event\",\"name\":\"torture\","
        + "\"id\":\"P" + seq + "\",\"attributes\":{\"seq\":" + seq + ",\"poison\":true}}";
  }

  static String identify(String person, long seq) {
    return "{\"type\":\"person\",\"identifiers\":{\"id\":\"" + person + "\"},\"action\":\"identify\","
        + "\"attributes\":{\"seq\":" + seq + "}}";
  }

  void durable(long seq, String person, Workload.Kind kind, String id, long at) {
    durable.add(new Ledger.Durable(new Workload.Op(seq, person, kind), id, at));
  }

  Map<String, List<String>> check() {
    return Invariants.check(durable, sim.records().all(), sim.records().refused(), dead, peak, windows, 1000,
        EngineSettings.LANES);
  }

  static void onlyViolated(Map<String, List<String>> result, String invariant, String mentioning) {
    result.forEach((name, violations) -> {
      if (name.equals(invariant)) {
        assertFalse(violations.isEmpty(), name + " must be violated");
        assertTrue(violations.toString().contains(mentioning), violations.toString());
      } else {
        assertEquals(List.of(), violations, name);
      }
    });
  }

  @Test
  void aCleanRecordHoldsEveryInvariant() throws Exception {
    send(identify("t-1", 0), event("t-1", 1, "E1"), poisoned("t-1", 2), event("t-2", 3, "E3"));
    send(event("t-1", 1, "E1"));
    durable(0, "t-1", Workload.Kind.IDENTIFY, null, 1);
    durable(1, "t-1", Workload.Kind.EVENT, "E1", 1);
    durable(2, "t-1", Workload.Kind.POISONED_EVENT, "P2", 1);
    durable(3, "t-2", Workload.Kind.EVENT, "E3", 1);
    dead.add(new Target.DeadLetterSeen("t-1", 2, 207, "invalid"));
    Map<String, List<String>> result = check();
    assertEquals(7, result.size());
    result.forEach((name, violations) -> assertEquals(List.of(), violations, name));
  }

  @Test
  void aDurableOperationThatNeverArrivedIsNamed() throws Exception {
    send(event("t-1", 1, "E1"));
    durable(1, "t-1", Workload.Kind.EVENT, "E1", 1);
    durable(2, "t-1", Workload.Kind.EVENT, "E2", 1);
    onlyViolated(check(), Invariants.DELIVERED, "index=2");
  }

  @Test
  void anEventUnderTwoIdsIsNamed() throws Exception {
    send(event("t-1", 1, "E1"), event("t-1", 1, "E1-again"));
    durable(1, "t-1", Workload.Kind.EVENT, "E1", 1);
    onlyViolated(check(), Invariants.ONE_ID, "E1-again");
  }

  @Test
  void aLaterOperationArrivingFirstIsNamed() throws Exception {
    send(event("t-1", 5, "E5"), event("t-1", 4, "E4"));
    onlyViolated(check(), Invariants.ORDER, "seq 4 first arrived after seq 5");
  }

  @Test
  void anOlderIdentifyLandingLastIsNamed() throws Exception {
    send(identify("t-1", 1), identify("t-1", 3));
    send(identify("t-1", 1));
    onlyViolated(check(), Invariants.NEWEST_IDENTIFY, "left on identify seq 1 although seq 3");
  }

  @Test
  void aSecondOverTheLimitIsNamed() {
    peak = EngineSettings.WORKSPACE_LIMIT + 1;
    onlyViolated(check(), Invariants.LIMIT, "peak " + peak);
  }

  @Test
  void aDeadLetterTheServerDidNotRefuseIsNamedAndARefusedOneMissingToo() throws Exception {
    send(event("t-1", 1, "E1"), poisoned("t-1", 2));
    durable(2, "t-1", Workload.Kind.POISONED_EVENT, "P2", 1);
    dead.add(new Target.DeadLetterSeen("t-1", 1, 404, "Customer.io answered 404"));
    Map<String, List<String>> result = check();
    onlyViolated(result, Invariants.DEAD_LETTERS, "seq 1 (status 404");
    assertTrue(result.get(Invariants.DEAD_LETTERS).toString().contains("index=2"), "the refused one not dead-lettered");
  }

  @Test
  void aLaneThatStaysSilentAfterAWindowIsNamed() throws Exception {
    long now = System.currentTimeMillis();
    send(event("t-1", 1, "E1"));
    durable(1, "t-1", Workload.Kind.EVENT, "E1", now - 5000);
    durable(2, "t-1", Workload.Kind.EVENT, "E2", now - 5000);
    windows.add(new Invariants.Happened(FaultKind.STALL_AFTER_HEADERS, now - 4000, now - 3000));
    Map<String, List<String>> result = check();
    assertTrue(result.get(Invariants.RECOVERY).toString().contains("after the stall-body window"),
        result.get(Invariants.RECOVERY).toString());
    assertEquals(Set.of(Invariants.DELIVERED, Invariants.RECOVERY), violatedNames(result));
  }

  static Set<String> violatedNames(Map<String, List<String>> result) {
    Set<String> out = new java.util.HashSet<>();
    result.forEach((k, v) -> {
      if (!v.isEmpty()) {
        out.add(k);
      }
    });
    return out;
  }
}
