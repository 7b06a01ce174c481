package io.ciorelay.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.simulator.CioSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimulatorCommandTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static int identify(int port, String site, String key) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/customers/42"))
        .timeout(Duration.ofSeconds(5))
        .header("Authorization", "Basic " + Base64.getEncoder()
            .encodeToString((site + ":" + key).getBytes(StandardCharsets.UTF_8)))
        .PUT(HttpRequest.BodyPublishers.ofString("{\"plan\":\"pro\"}")).build();
    return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void childProcessTakesCredentialsFromTheEnvironmentAndNeverPrintsTheKey() throws Exception {
    int port = freePort();
    Path log = Files.createTempFile("cio-simulator", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.ciorelay.server.Cio", "simulator", "--port", Integer.toString(port), "--no-retry-after")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("CIO_SITE_ID", "env-site");
    pb.environment().put("CIO_API_KEY", "env-secret-key-123");
    Process p = pb.start();
    try {
      await().atMost(Duration.ofSeconds(30))
          .until(() -> Files.readString(log).contains("listening on") || !p.isAlive());
      String out = Files.readString(log);
      assertTrue(p.isAlive(), out);
      assertTrue(out.contains("http://127.0.0.1:" + port), out);
      assertTrue(out.contains("env-site"), out);
      assertTrue(out.contains("url: 'http://127.0.0.1:" + port + "/api/v1'"), out);
      assertTrue(out.contains("Retry-After off"), out);

      assertEquals(200, identify(port, "env-site", "env-secret-key-123"));
      assertEquals(401, identify(port, "env-site", "other-key"));
      assertEquals(401, identify(port, CioSimulator.DEFAULT_SITE_ID, CioSimulator.DEFAULT_API_KEY));
    } finally {
      p.destroy();
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the simulator stops on SIGTERM");
    }
    String out = Files.readString(log);
    assertFalse(out.contains("env-secret-key-123"), "the API key must never be printed:\n" + out);
    Files.deleteIfExists(log);
  }

  @Test
  void inProcessOptionsWinOverEnvironmentAndStopEndsTheCommand() throws Exception {
    SimulatorCommand command = new SimulatorCommand(Map.of("CIO_SITE_ID", "env-site", "CIO_API_KEY", "env-key"));
    CommandLine cli = new CommandLine(command);
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute(
        "--port", "0", "--site-id", "opt-site", "--api-key", "opt-secret-key", "--rate-limit", "3"));
    await().atMost(Duration.ofSeconds(20)).until(() -> command.simulator() != null || exit.isDone());
    CioSimulator sim = command.simulator();
    assertTrue(sim != null, "started: " + out);
    int port = sim.port();
    assertEquals(200, identify(port, "opt-site", "opt-secret-key"));
    assertEquals(401, identify(port, "env-site", "env-key"));
    assertEquals(3, sim.faults().rateLimit());
    assertEquals(1, sim.records().count());

    command.stop();
    assertEquals(0, exit.get(10, TimeUnit.SECONDS));
    assertFalse(sim.isRunning());
    assertFalse(out.toString().contains("opt-secret-key"), out.toString());
    assertTrue(out.toString().contains("opt-site"), out.toString());
  }

  @Test
  void withoutCredentialsTheDefaultsAreUsedAndPrinted() throws Exception {
    SimulatorCommand command = new SimulatorCommand(Map.of());
    CommandLine cli = new CommandLine(command);
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--port", "0"));
    await().atMost(Duration.ofSeconds(20)).until(() -> command.simulator() != null || exit.isDone());
    try {
      int port = command.simulator().port();
      assertEquals(200, identify(port, CioSimulator.DEFAULT_SITE_ID, CioSimulator.DEFAULT_API_KEY));
      await().atMost(Duration.ofSeconds(5)).until(() -> out.toString().contains("Press Ctrl-C"));
      for (String expected : List.of(CioSimulator.DEFAULT_SITE_ID, CioSimulator.DEFAULT_API_KEY, "built-in")) {
        assertTrue(out.toString().contains(expected), expected + " in\n" + out);
      }
    } finally {
      command.stop();
    }
    assertEquals(0, exit.get(10, TimeUnit.SECONDS));
  }
}
