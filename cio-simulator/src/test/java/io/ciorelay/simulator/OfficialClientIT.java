package io.ciorelay.simulator;

import static io.ciorelay.simulator.RecordedOperation.Action;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the official customerio-node client (v5, installed with npm under {@code target/}) against
 * the simulator, calling every TrackClient method, and checks what the simulator recorded. Node
 * and npm are required: without them this test fails rather than skips.
 */
class OfficialClientIT {
  static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  static final Path NODE_DIR = MODULE.resolve("target/node-client");
  static final Path SCRIPT = MODULE.resolve("src/test/node/official-client.js");

  record Run(int exit, String output) {}

  static Run run(List<String> command, Map<String, String> env, Path log, long timeoutSeconds) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(NODE_DIR.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      fail("cannot run " + command + " (node and npm must be installed): " + e.getMessage());
      return null;
    }
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command + " did not finish within " + timeoutSeconds + " s; output:\n" + Files.readString(log));
    }
    return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  @BeforeAll
  static void installOfficialClient() throws Exception {
    Files.createDirectories(NODE_DIR);
    Path installed = NODE_DIR.resolve("node_modules/customerio-node/package.json");
    if (Files.exists(installed) && Files.readString(installed).contains("\"version\": \"5.")) {
      return;
    }
    Run npm = run(List.of("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", NODE_DIR.toString(),
        "customerio-node@5"), Map.of(), NODE_DIR.resolve("npm-install.log"), 300);
    assertEquals(0, npm.exit(), "npm install customerio-node@5 failed:\n" + npm.output());
    assertTrue(Files.exists(installed), "customerio-node not installed:\n" + npm.output());
  }

  @Test
  void everyTrackClientMethodWorksAgainstTheSimulator() throws Exception {
    try (CioSimulator sim = CioSimulator.builder().siteId("node-site").apiKey("node-key").rateLimit(0).build().start()) {
      Run node = run(List.of("node", SCRIPT.toString()), Map.of(
          "NODE_PATH", NODE_DIR.resolve("node_modules").toString(),
          "SIM_TRACK_URL", sim.trackUrl(),
          "SIM_SITE_ID", sim.siteId(),
          "SIM_API_KEY", sim.apiKey()), NODE_DIR.resolve("official-client.log"), 120);
      assertEquals(0, node.exit(), "node script failed:\n" + node.output() + "\nrecorded:\n" + sim.records().all());
      String context = "\nnode output:\n" + node.output();

      Records r = sim.records();
      List<Action> person1 = r.forPerson("person-1").stream().map(RecordedOperation::action).toList();
      assertEquals(List.of(Action.IDENTIFY, Action.EVENT, Action.PAGE, Action.ADD_DEVICE, Action.DELETE_DEVICE,
          Action.MERGE), person1, context);
      RecordedOperation identify = r.forPerson("person-1").get(0);
      assertEquals(new Identifier("id", "person-1"), identify.identifier());
      assertTrue(identify.attributesJson().contains("\"plan\":\"pro\""), context);
      assertEquals(new Identifier("email", "a+b@example.com"), r.forPerson("a+b@example.com").get(0).identifier());

      RecordedOperation purchase = r.events("purchase").get(0);
      assertEquals(1, r.events("purchase").size(), "the repeated event id is dropped" + context);
      assertEquals("01JNODE0000000000000000001", purchase.eventId());
      assertEquals("{\"sku\":\"x1\"}", purchase.attributesJson());
      assertEquals(Map.of("01JNODE0000000000000000001", 1), r.duplicatesByEventId());
      assertEquals("/pricing", r.forPerson("person-1").get(2).name());

      RecordedOperation anon = r.events("visited").get(0);
      assertEquals(new Identifier("anonymous_id", "anon-1"), anon.identifier());
      RecordedOperation device = r.forPerson("person-1").get(3);
      assertEquals("tok-1", device.deviceToken());
      assertTrue(device.attributesJson().contains("\"platform\":\"ios\""));
      RecordedOperation merge = r.forPerson("old@example.com").get(0);
      assertEquals(new Identifier("email", "old@example.com"), merge.secondary());

      assertEquals(List.of(Action.SUPPRESS, Action.UNSUPPRESS, Action.DELETE),
          r.forPerson("person-2").stream().map(RecordedOperation::action).toList(), context);

      List<RecordedOperation> person3 = r.forPerson("person-3");
      assertEquals(List.of(Action.IDENTIFY, Action.EVENT, Action.SCREEN),
          person3.stream().map(RecordedOperation::action).toList(), context);
      assertTrue(person3.stream().allMatch(RecordedOperation::v2));
      assertEquals("signed_up", person3.get(1).name());
      assertEquals(Action.PAGE, r.forPerson("p3@example.com").get(0).action());

      assertEquals(1, r.count(Action.SEGMENT_ADD));
      assertEquals(1, r.count(Action.SEGMENT_REMOVE));
      assertEquals("7", r.where(o -> o.action() == Action.SEGMENT_ADD).get(0).name());
      RecordedOperation form = r.where(o -> o.action() == Action.FORM_SUBMIT).get(0);
      assertEquals("signup-form", form.name());
      assertEquals(new Identifier("email", "form@example.com"), form.identifier());
      assertEquals("clicked", r.where(o -> o.action() == Action.METRIC).get(0).name());
      assertEquals("opened", r.where(o -> o.action() == Action.PUSH_EVENT).get(0).name());
      assertEquals(new Identifier("delivery_id", "dlv-unsub"),
          r.where(o -> o.action() == Action.UNSUBSCRIBE).get(0).identifier());

      assertTrue(r.forPerson("person-9").isEmpty(), "401 and 400 calls record nothing" + context);
      assertEquals(1, r.forPerson("person-retry").size());
      assertEquals(1, r.forPerson("person-retry").get(0).retryCount(), "accepted on the first retry" + context);

      SimulatorStats stats = sim.stats();
      assertEquals(1, stats.count(401), context);
      assertEquals(1, stats.count(400), context);
      assertEquals(1, stats.count(503), context);
      assertEquals(1, stats.count(204), "form submit answers 204" + context);
      assertEquals(Map.of(1, 1L), stats.retryCounts(), "the retry carried X-Retry-Count: 1" + context);
    }
  }
}
