package io.ciorelay.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.delivery.Api;
import io.ciorelay.server.pipelines.IsoTimestamps;
import io.ciorelay.server.pipelines.MessageIds;
import io.ciorelay.server.relay.RelayConfig;
import io.ciorelay.server.relay.RelayServer;
import io.ciorelay.server.relay.RelayTestSupport;
import io.ciorelay.server.relay.RelayWorkspace;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.RecordedOperation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Segment-spec clients — {@code @customerio/cdp-analytics-node} 0.5.9 and
 * {@code @segment/analytics-node} 3.1.0 (npm, installed under {@code target/}) and
 * {@code com.segment.analytics.java:analytics} 3.5.4 — pointed at the relay with only their host and
 * write key: every call a client reports delivered reaches the simulator exactly once, in per-person
 * order, and a {@code kill -9} of the relay mid-run loses nothing the client was told was delivered —
 * on the Track target (the default) and with the relay delivering to the Pipelines API
 * ({@code CIO_API=pipelines}), where the simulator's Pipelines record is checked by messageId.
 * Node and npm are required: without them this test fails rather than skips.
 */
class PipelinesClientsIT {
  static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  static final Path NODE_DIR = MODULE.resolve("target/pipelines-clients");
  static final Path SCRIPT = MODULE.resolve("src/test/node/pipelines-client.js");
  static final Map<String, String> PACKAGES = Map.of("@customerio/cdp-analytics-node", "0.5.9",
      "@segment/analytics-node", "3.1.0");
  static final String WRITE_KEY = "wk_clients_it";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;
  CioSimulator sim;

  /** One call's outcome as the client reported it. */
  record Outcome(boolean ok, String type, String messageId, String timestamp, String userId, String anonymousId, int seq) {
    String person() {
      return userId != null ? userId : anonymousId;
    }

    /** The event id the relay derives for a track, page or screen. */
    String eventId() {
      return MessageIds.ulid(messageId, IsoTimestamps.parseMillis(timestamp));
    }

    boolean isEvent() {
      return type.equals("track") || type.equals("page") || type.equals("screen");
    }
  }

  @BeforeAll
  static void installClients() throws Exception {
    Files.createDirectories(NODE_DIR);
    boolean installed = true;
    for (Map.Entry<String, String> p : PACKAGES.entrySet()) {
      Path pj = NODE_DIR.resolve("node_modules/" + p.getKey() + "/package.json");
      installed &= Files.exists(pj) && Files.readString(pj).contains("\"version\": \"" + p.getValue() + "\"");
    }
    if (installed) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix",
        NODE_DIR.toString()));
    PACKAGES.forEach((k, v) -> cmd.add(k + "@" + v));
    Process p = start(cmd, Map.of(), NODE_DIR.resolve("npm-install.log"));
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "npm install did not finish in 300 s");
    assertEquals(0, p.exitValue(), "npm install failed:\n" + Files.readString(NODE_DIR.resolve("npm-install.log")));
  }

  static Process start(List<String> cmd, Map<String, String> env, Path log) {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(NODE_DIR.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    try {
      return pb.start();
    } catch (IOException e) {
      fail("cannot run " + cmd + " (node and npm must be installed): " + e.getMessage());
      return null;
    }
  }

  @BeforeEach
  void startSimulator() {
    sim = CioSimulator.builder().rateLimit(0).pipelinesWriteKey(WRITE_KEY).build().start();
  }

  @AfterEach
  void stopSimulator() {
    sim.close();
  }

  RelayServer relay(Api api) {
    RelayConfig.Builder b = RelayTestSupport.config(sim, dir.resolve("data"))
        .pipelinesWriteKey(RelayWorkspace.DEFAULT_NAME, WRITE_KEY).api(api);
    return RelayServer.builder(b.build()).build().start();
  }

  Process node(String client, String host, Path out, String prefix, int persons, int steps) {
    return start(List.of("node", SCRIPT.toString()), Map.of(
        "NODE_PATH", NODE_DIR.resolve("node_modules").toString(), "CLIENT", client, "HOST", host,
        "WRITE_KEY", WRITE_KEY, "OUT", out.toString(), "PREFIX", prefix, "PERSONS", Integer.toString(persons),
        "STEPS", Integer.toString(steps)), dir.resolve(prefix + "-node.log"));
  }

  static List<Outcome> outcomes(Path out) throws IOException {
    List<Outcome> list = new ArrayList<>();
    if (!Files.exists(out)) {
      return list;
    }
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      JsonNode n = JSON.readTree(line);
      if (n.has("done")) {
        continue;
      }
      list.add(new Outcome(n.path("ok").asBoolean(), n.path("type").asText(), n.path("messageId").asText(),
          n.path("timestamp").asText(), n.hasNonNull("userId") ? n.get("userId").asText() : null,
          n.hasNonNull("anonymousId") ? n.get("anonymousId").asText() : null, n.path("seq").asInt()));
    }
    return list;
  }

  void runNodeClient(String client, String prefix, Api api) throws Exception {
    RelayServer relay = relay(api);
    try {
      Path out = dir.resolve(prefix + ".jsonl");
      Process p = node(client, relay.baseUrl(), out, prefix, 4, 6);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "node client did not finish");
      String log = Files.readString(dir.resolve(prefix + "-node.log"));
      assertEquals(0, p.exitValue(), log);
      assertTrue(Files.readString(out).contains("\"done\":true"), log);
      List<Outcome> all = outcomes(out);
      assertEquals(4 * (6 + 5), all.size(), "every call reported");
      assertTrue(all.stream().allMatch(Outcome::ok), "under normal load every call is delivered: " + all);
      relay.customerIo().flush().get(60, TimeUnit.SECONDS);
      assertDeliveredExactlyOnceInOrder(all, prefix, api);
    } finally {
      relay.stop();
    }
  }

  /** Identify calls per person and group calls the client was told were delivered. */
  record Delivered(Map<String, Integer> identifies, int groups) {}

  /** Counts the delivered identifies and groups, and checks each delivered event with {@code recordedOnce}. */
  static Delivered delivered(List<Outcome> outcomes, java.util.function.Consumer<Outcome> recordedOnce) {
    Map<String, Integer> identifies = new HashMap<>();
    int groups = 0;
    for (Outcome o : outcomes) {
      if (!o.ok()) {
        continue;
      }
      if (o.isEvent()) {
        recordedOnce.accept(o);
      } else if (o.type().equals("identify")) {
        identifies.merge(o.person(), 1, Integer::sum);
      } else if (o.type().equals("group")) {
        groups++;
      }
    }
    return new Delivered(identifies, groups);
  }

  /** Each delivered call is in the simulator's record once (events by id), and each person's events are in seq order. */
  void assertDeliveredExactlyOnceInOrder(List<Outcome> outcomes, String prefix, Api api) throws Exception {
    if (api == Api.PIPELINES) {
      assertDeliveredToPipelines(outcomes, prefix, true);
    } else {
      assertDelivered(outcomes, prefix, true);
    }
  }

  /**
   * Like {@link #assertDelivered} for the Pipelines target: events by messageId (the relay's event
   * id), identifies per person and group calls counted in the simulator's Pipelines record, each
   * person's events in seq order, and nothing sent to the Track API.
   */
  void assertDeliveredToPipelines(List<Outcome> outcomes, String prefix, boolean exact) throws Exception {
    Delivered d = delivered(outcomes, o -> assertEquals(1,
        sim.pipelines().calls().stream().filter(c -> o.eventId().equals(c.messageId())).count(), "event " + o + " recorded once"));
    Map<String, Integer> identifies = d.identifies();
    int groups = d.groups();
    for (Map.Entry<String, Integer> e : identifies.entrySet()) {
      long recorded = sim.pipelines().forPerson(e.getKey()).stream().filter(c -> c.type().equals("identify")).count();
      assertTrue(exact ? recorded == e.getValue() : recorded >= e.getValue(), "identifies of " + e.getKey() + ": " + recorded);
    }
    long recordedGroups = sim.pipelines().calls().stream()
        .filter(c -> c.type().equals("group") && c.groupId() != null && c.groupId().contains(prefix)).count();
    assertTrue(exact ? recordedGroups == groups : recordedGroups >= groups,
        "group calls: " + recordedGroups + " recorded, " + groups + " delivered");
    if (exact) {
      assertEquals(0, sim.pipelines().duplicateCount(), "no copy reached Customer.io twice");
    }
    assertEquals(0, sim.records().count(), "nothing went to the Track API");
    for (String person : outcomes.stream().filter(Outcome::ok).map(Outcome::person).distinct().toList()) {
      List<Integer> seqs = new ArrayList<>();
      for (io.ciorelay.simulator.PipelinesCall c : sim.pipelines().forPerson(person)) {
        JsonNode props = JSON.readTree(c.json()).path("properties");
        if (!c.type().equals("identify") && !c.type().equals("group") && props.has("seq")) {
          seqs.add(props.get("seq").asInt());
        }
      }
      List<Integer> sorted = new ArrayList<>(seqs);
      sorted.sort(null);
      assertEquals(sorted, seqs, "events of " + person + " in the order the client sent them");
    }
  }

  /**
   * Like {@link #assertDeliveredExactlyOnceInOrder}; with {@code exact} false (after a crash) a call
   * without an event id (identify, group) may have been delivered again, which Customer.io applies
   * idempotently, and repeats dropped by id are allowed.
   */
  void assertDelivered(List<Outcome> outcomes, String prefix, boolean exact) throws Exception {
    Delivered d = delivered(outcomes, o -> assertEquals(1, sim.records().where(r -> o.eventId().equals(r.eventId())).size(),
        "event " + o + " recorded once"));
    Map<String, Integer> identifies = d.identifies();
    int groups = d.groups();
    for (Map.Entry<String, Integer> e : identifies.entrySet()) {
      long recorded = sim.records().forPerson(e.getKey()).stream()
          .filter(r -> r.action() == RecordedOperation.Action.IDENTIFY).count();
      assertTrue(exact ? recorded == e.getValue() : recorded >= e.getValue(), "identifies of " + e.getKey() + ": " + recorded);
    }
    int g = groups;
    long objects = sim.records().where(r -> r.type() == RecordedOperation.Type.OBJECT
        && r.identifierValue().contains(prefix)).size();
    assertTrue(exact ? objects == g : objects >= g, "group calls: " + objects + " recorded, " + g + " delivered");
    if (exact) {
      assertEquals(0, sim.records().duplicateCount(), "no copy reached Customer.io twice");
    }
    for (String person : outcomes.stream().filter(Outcome::ok).map(Outcome::person).distinct().toList()) {
      List<Integer> seqs = new ArrayList<>();
      for (RecordedOperation r : sim.records().forPerson(person)) {
        if (r.action().isEvent() && r.attributesJson() != null) {
          seqs.add(JSON.readTree(r.attributesJson()).path("seq").asInt());
        }
      }
      List<Integer> sorted = new ArrayList<>(seqs);
      sorted.sort(null);
      assertEquals(sorted, seqs, "events of " + person + " in the order the client sent them");
    }
  }

  @ParameterizedTest(name = "to {0}")
  @EnumSource(Api.class)
  void customerIosCdpAnalyticsNodeDeliversThroughTheRelay(Api api) throws Exception {
    runNodeClient("cdp", "cdp", api);
  }

  @ParameterizedTest(name = "to {0}")
  @EnumSource(Api.class)
  void segmentsAnalyticsNodeDeliversThroughTheRelay(Api api) throws Exception {
    runNodeClient("segment", "seg", api);
  }

  @ParameterizedTest(name = "to {0}")
  @EnumSource(Api.class)
  void segmentsAnalyticsJavaDeliversThroughTheRelay(Api api) throws Exception {
    RelayServer relay = relay(api);
    try {
      List<Outcome> outcomes = JavaClient.run(relay.baseUrl(), WRITE_KEY, "java", 4, 6);
      assertEquals(4 * (6 + 5), outcomes.size(), "every call reported");
      assertTrue(outcomes.stream().allMatch(Outcome::ok), "every call delivered: " + outcomes);
      relay.customerIo().flush().get(60, TimeUnit.SECONDS);
      assertDeliveredExactlyOnceInOrder(outcomes, "java", api);
    } finally {
      relay.stop();
    }
  }

  @ParameterizedTest(name = "to {0}")
  @EnumSource(Api.class)
  void killMinusNineOfTheRelayMidRunLosesNoCallTheClientWasToldWasDelivered(Api api) throws Exception {
    List<String> args = List.of("--host", "127.0.0.1", "--port", "0", "--data", dir.resolve("data").toString(),
        "--target", sim.baseUrl(), "--rate-limit", "1000", "--set", "relay.linger=20ms",
        "--set", "relay.retry.base-delay=100ms", "--set", "relay.retry.max-delay=500ms");
    Map<String, String> env = Map.of("CIO_SITE_ID", sim.siteId(), "CIO_API_KEY", sim.apiKey(),
        "CIO_PIPELINES_WRITE_KEY", WRITE_KEY, "CIO_API", api == Api.PIPELINES ? "pipelines" : "track");
    sim.faults().latency(Duration.ofMillis(30)); // delivery lags, so a backlog is on disk at the kill
    try (RelayProcess first = RelayProcess.start(dir, "first", env, args.toArray(String[]::new))) {
      String base = first.awaitUrl(Duration.ofSeconds(60));
      Path out = dir.resolve("kill.jsonl");
      Process client = node("cdp", base, out, "kill", 5, 40);
      await().atMost(Duration.ofSeconds(60)).until(() -> outcomes(out).stream().filter(Outcome::ok).count() >= 60);
      Process kill = new ProcessBuilder("kill", "-9", Long.toString(first.process.pid())).start();
      assertEquals(0, kill.waitFor());
      assertTrue(first.process.waitFor(10, TimeUnit.SECONDS));
      assertEquals(137, first.process.exitValue(), "killed by SIGKILL");
      assertTrue(client.waitFor(120, TimeUnit.SECONDS), "node client did not finish");
    }
    List<Outcome> outcomes = outcomes(dir.resolve("kill.jsonl"));
    long delivered = outcomes.stream().filter(Outcome::ok).count();
    assertTrue(outcomes.stream().anyMatch(o -> !o.ok()), "some calls failed once the relay was gone");
    sim.faults().latency(Duration.ZERO);
    try (RelayProcess second = RelayProcess.start(dir, "second", env, args.toArray(String[]::new))) {
      second.awaitUrl(Duration.ofSeconds(60));
      boolean pipelines = api == Api.PIPELINES;
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> outcomes.stream()
          .filter(o -> o.ok() && o.isEvent()).allMatch(o -> pipelines ? sim.pipelines().containsMessageId(o.eventId())
              : sim.records().containsEventId(o.eventId())));
      if (pipelines) {
        assertDeliveredToPipelines(outcomes, "kill", false);
      } else {
        assertDelivered(outcomes, "kill", false);
      }
    }
    System.out.println("pipelines kill -9 to " + api + ": client calls " + outcomes.size() + ", reported delivered "
        + delivered + ", recorded " + (api == Api.PIPELINES ? sim.pipelines().count() : sim.records().count())
        + ", repeats dropped by id "
        + (api == Api.PIPELINES ? sim.pipelines().duplicateCount() : sim.records().duplicateCount()));
  }
}
