package io.ciorelay.server.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.CioSimulatorExtension;
import io.ciorelay.simulator.RecordedOperation;
import io.ciorelay.simulator.RecordedOperation.Action;
import io.ciorelay.simulator.ScriptedResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cio cleanup-load-test} against the simulator over real sockets. */
class CleanupLoadTestCommandIT {
  private static final String KEY = "cleanup-secret-key";

  @RegisterExtension
  static final CioSimulatorExtension SIM = CioSimulatorExtension.create(b -> b.siteId("load-site").apiKey(KEY).rateLimit(0));

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    CommandLine cli = new CommandLine(new CleanupLoadTestCommand(env));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static Map<String, String> creds() {
    return Map.of("CIO_SITE_ID", "load-site", "CIO_API_KEY", KEY);
  }

  private Path personsFile(String runId, int n) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      lines.add("load-" + runId + "-" + i);
    }
    return Files.write(dir.resolve("load-test-persons-" + runId + ".txt"), lines, StandardCharsets.UTF_8);
  }

  private static CioSimulator sim() {
    return SIM.simulator();
  }

  @Test
  void suppressesThenDeletesEveryPersonInBatches() throws Exception {
    Path file = personsFile("20261122-101500", 250);
    Run r = run(creds(), "--persons", file.toString(), "--target", sim().baseUrl(), "--rate-limit", "50");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("cleaned 250 of 250 persons (suppressed and deleted); failed 0; 6 requests, 0 retries"),
        r.out());
    assertFalse(r.out().contains(KEY) || r.err().contains(KEY), "the key is never printed");
    for (int i = 1; i <= 250; i++) {
      String id = "load-20261122-101500-" + i;
      List<RecordedOperation> ops = sim().records().forPerson(id);
      assertEquals(List.of(Action.SUPPRESS, Action.DELETE), ops.stream().map(RecordedOperation::action).toList(), id);
      assertTrue(ops.get(0).v2() && ops.get(1).v2(), "sent through the v2 batch endpoint");
    }
    assertEquals(6, sim().stats().totalRequests());
  }

  @Test
  void aDirectoryStandsForEveryPersonsFileInItAndRepeatsAreCleanedOnce() throws Exception {
    personsFile("runA", 3);
    personsFile("runB", 2);
    Files.writeString(dir.resolve("unrelated.txt"), "not read\n");
    Run r = run(creds(), "--persons", dir.toString(), "--persons", dir.resolve("load-test-persons-runA.txt").toString(),
        "--target", sim().baseUrl() + "/api/v1", "--rate-limit", "50");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("cleaned 5 of 5 persons"), r.out());
    assertEquals(5, sim().records().count(Action.SUPPRESS));
    assertEquals(5, sim().records().count(Action.DELETE));
  }

  @Test
  void retriesOn5xxAnd429HonouringRetryAfter() throws Exception {
    Path file = personsFile("retry", 3);
    sim().faults().enqueue(ScriptedResponse.of(503), ScriptedResponse.of(429).withHeader("Retry-After", "1"));
    long t0 = System.nanoTime();
    Run r = run(creds(), "--persons", file.toString(), "--target", sim().baseUrl(), "--rate-limit", "50");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("cleaned 3 of 3 persons (suppressed and deleted); failed 0; 4 requests, 2 retries"), r.out());
    assertTrue(ms >= 2000, "backed off 1 s after the 503 and 1 s as Retry-After asked, took " + ms + " ms");
    assertEquals(3, sim().records().count(Action.SUPPRESS));
    assertEquals(3, sim().records().count(Action.DELETE));
  }

  @Test
  void aRefusedRequestIsReportedPerPersonAndTheExitCodeIsOne() throws Exception {
    Path file = personsFile("bad", 1);
    sim().faults().enqueue(ScriptedResponse.of(400).withBody("{\"errors\":[{\"reason\":\"invalid\",\"message\":\"nope\"}]}"));
    Run r = run(creds(), "--persons", file.toString(), "--target", sim().baseUrl(), "--rate-limit", "50");
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("cleaned 0 of 1 persons (suppressed and deleted); failed 1"), r.out());
    assertTrue(r.out().contains("failed: load-bad-1 at suppress: refused (HTTP 400: invalid: nope)"), r.out());
    assertEquals(0, sim().records().count(Action.DELETE), "no delete for a person whose suppress failed");
  }

  @Test
  void aWholeBatchRefusedWithCustomerIosErrorBodyIsSplitSoTheOthersAreStillCleaned() throws Exception {
    Path file = personsFile("split", 2);
    sim().faults().enqueue(ScriptedResponse.of(400).withBody("{\"errors\":[{\"reason\":\"invalid\",\"message\":\"nope\"}]}"));
    Run r = run(creds(), "--persons", file.toString(), "--target", sim().baseUrl(), "--rate-limit", "50");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("cleaned 2 of 2 persons (suppressed and deleted); failed 0; 4 requests"), r.out());
    assertEquals(2, sim().records().count(Action.DELETE));
  }

  @Test
  void aWrongEndpointStopsTheRunWithoutReportingPersonsRefused() throws Exception {
    Path file = personsFile("notfound", 3);
    sim().faults().enqueue(ScriptedResponse.of(404).withHeader("Content-Type", "text/html")
        .withBody("<html><body>Not Found</body></html>"));
    Run r = run(creds(), "--persons", file.toString(), "--target", sim().baseUrl(), "--rate-limit", "50");
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("stopped: HTTP 404 from POST " + sim().baseUrl() + "/api/v2/batch"), r.err());
    assertEquals(1, sim().stats().totalRequests(), "nothing more is sent to a wrong endpoint");
  }

  @Test
  void operationsRefusedInA207AreReportedAndThoseSuppressesAreNotFollowedByADelete() throws Exception {
    Path file = personsFile("partial", 3);
    sim().faults().enqueue(ScriptedResponse.of(207).withBody("{\"errors\":[{\"batch_index\":1,\"reason\":\"invalid\","
        + "\"field\":\"identifiers\",\"message\":\"not allowed\"}]}"));
    Run r = run(creds(), "--persons", file.toString(), "--target", sim().baseUrl(), "--rate-limit", "50");
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("cleaned 2 of 3 persons (suppressed and deleted); failed 1; 2 requests, 0 retries"), r.out());
    assertTrue(r.out().contains("failed: load-partial-2 at suppress: refused (HTTP 207: invalid field 'identifiers': not allowed)"), r.out());
    assertEquals(List.of("load-partial-1", "load-partial-3"),
        sim().records().where(op -> op.action() == Action.DELETE).stream().map(RecordedOperation::identifierValue).toList());
  }

  @Test
  void wrongCredentialsStopTheRun() throws Exception {
    Path file = personsFile("auth", 300);
    Run r = run(Map.of("CIO_SITE_ID", "load-site", "CIO_API_KEY", "wrong"), "--persons", file.toString(),
        "--target", sim().baseUrl(), "--rate-limit", "50");
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("stopped: HTTP 401 from POST " + sim().baseUrl() + "/api/v2/batch"), r.err());
    assertEquals(1, sim().stats().totalRequests(), "nothing more is sent after a 401");
  }

  @Test
  void customerIoHostsNeedAllowProduction() throws Exception {
    Path file = personsFile("prod", 1);
    for (String url : new String[] {"https://track.customer.io", "https://track-eu.customer.io/api/v1"}) {
      Run r = run(creds(), "--persons", file.toString(), "--target", url);
      assertEquals(2, r.exit(), r.err());
      assertTrue(r.err().contains("refusing to clean up on track") && r.err().contains("--allow-production"), r.err());
    }
  }

  @Test
  void malformedInputGetsClearErrorsAndNothingIsSent() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.txt"), "\n# only a comment\n");
    Path bad = Files.writeString(dir.resolve("bad.txt"), "load-run-1\nalice@example.com\n\nload-run-x\n");
    Path emptyDir = Files.createDirectory(dir.resolve("none"));
    String url = sim().baseUrl();
    assertError(run(creds(), "--persons", dir.resolve("missing.txt").toString(), "--target", url),
        "persons file " + dir.resolve("missing.txt") + " does not exist");
    assertError(run(creds(), "--persons", empty.toString(), "--target", url),
        "persons file " + empty + " holds no person ids");
    assertError(run(creds(), "--persons", bad.toString(), "--target", url),
        bad + " has 2 line(s) that are not load-test person ids (load-<runId>-<n>); nothing was sent: "
            + "line 2: 'alice@example.com', line 4: 'load-run-x'");
    assertError(run(creds(), "--persons", emptyDir.toString(), "--target", url),
        "directory " + emptyDir + " holds no load-test-persons-*.txt file");
    Path good = personsFile("ok", 1);
    assertError(run(Map.of(), "--persons", good.toString(), "--target", url), "credentials are missing: set CIO_SITE_ID");
    assertError(run(creds(), "--persons", good.toString(), "--target", "localhost:8080"),
        "--target must be an http(s) URL but was 'localhost:8080'");
    assertError(run(creds(), "--persons", good.toString(), "--target", url, "--batch-size", "0"),
        "--batch-size must be in 1..1000 but was 0");
    assertError(run(creds(), "--persons", good.toString(), "--target", url, "--rate-limit", "0"),
        "--rate-limit must be in 0.1..100 but was 0");
    Run missingOption = run(creds(), "--target", url);
    assertEquals(2, missingOption.exit());
    assertTrue(missingOption.err().contains("Missing required option: '--persons=FILE|DIR'"), missingOption.err());
    assertEquals(0, sim().stats().totalRequests());
  }

  @Test
  void theApiKeyMayComeFromAFile() throws Exception {
    Path keyFile = Files.writeString(dir.resolve("key"), KEY + "\n");
    Map<String, String> env = new HashMap<>();
    env.put("CIO_SITE_ID", "load-site");
    env.put("CIO_API_KEY_FILE", keyFile.toString());
    Run r = run(env, "--persons", personsFile("keyfile", 1).toString(), "--target", sim().baseUrl());
    assertEquals(0, r.exit(), r.out() + r.err());
  }

  private static void assertError(Run r, String message) {
    assertEquals(2, r.exit(), r.out() + r.err());
    assertTrue(r.err().startsWith("cio cleanup-load-test: " + message), r.err());
  }
}
