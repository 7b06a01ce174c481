package io.ciorelay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.simulator.CioSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's console and process meters, as an operator sees them: a child {@code cio relay}
 * whose stderr holds only our own state changes (no framework banners, no Jetty INFO lines), in
 * text or JSON, at the levels asked for; and JVM and process meters on {@code /metrics}.
 */
class RelayConsoleIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static CioSimulator sim;
  @TempDir Path dir;

  @BeforeAll
  static void startSimulator() {
    sim = CioSimulator.builder().rateLimit(0).build().start();
  }

  @AfterAll
  static void stopSimulator() {
    sim.close();
  }

  /** A child relay; tests close it (try-with-resources), which kills it if it is still running. */
  RelayProcess relay(String name, String... extra) throws Exception {
    return relay(Map.of(), name, extra);
  }

  RelayProcess relay(Map<String, String> env, String name, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0",
        "--data", dir.resolve(name).toString(), "--target", sim.baseUrl()));
    args.addAll(List.of(extra));
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("CIO_SITE_ID", sim.siteId());
    all.put("CIO_API_KEY", sim.apiKey());
    return RelayProcess.start(dir, name, all, args.toArray(String[]::new));
  }

  static List<String> stopAndReadLog(RelayProcess p) throws Exception {
    p.process.destroy(); // SIGTERM
    assertTrue(p.process.waitFor(60, TimeUnit.SECONDS), "exited after SIGTERM");
    return p.errors().lines().toList();
  }

  @Test
  void quietConsoleHasOneLinePerStateChangeOfOurs() throws Exception {
    try (RelayProcess p = relay("text")) {
      p.awaitUrl(Duration.ofSeconds(60));
      List<String> lines = stopAndReadLog(p);
      String all = String.join("\n", lines);
      assertEquals(4, lines.size(), "stderr:\n" + all);
      assertTrue(lines.get(0).matches("\\S+Z INFO  RelayServer - relay listening on 127\\.0\\.0\\.1:\\d+, delivering to .*"), all);
      assertTrue(lines.get(1).contains("INFO  RelayServer - relay shutting down"), all);
      assertTrue(lines.get(2).contains("INFO  CustomerIo - workspace default closed: accepted=0"), all);
      assertTrue(lines.get(3).contains("INFO  RelayServer - relay shutdown report"), all);
      for (String noise : List.of("Javalin", "jetty", "Jetty", "logback")) {
        assertFalse((all + p.output()).contains(noise), noise + " in:\n" + all + p.output());
      }
    }
  }

  @Test
  void jsonLogsAreOneObjectPerLine() throws Exception {
    try (RelayProcess p = relay("json", "--log-format", "json")) {
      p.awaitUrl(Duration.ofSeconds(60));
      List<String> lines = stopAndReadLog(p);
      assertEquals(4, lines.size(), String.join("\n", lines));
      for (String line : lines) {
        JsonNode n = JSON.readTree(line);
        assertEquals("INFO", n.path("level").asText(), line);
        assertTrue(n.path("loggerName").asText().startsWith("io.ciorelay."), line);
        assertTrue(n.path("timestamp").asLong() > 0, line);
        assertFalse(n.path("formattedMessage").asText().isEmpty(), line);
      }
      assertTrue(JSON.readTree(lines.get(0)).path("formattedMessage").asText().startsWith("relay listening on "));
    }
  }

  @Test
  void levelsAreSetByEnvironmentAndOption() throws Exception {
    try (RelayProcess quiet = relay(Map.of("CIO_LOG_LEVEL", "warn"), "warn")) {
      quiet.awaitUrl(Duration.ofSeconds(60));
      try (RelayProcess jetty = relay("jetty", "--log-level-of", "org.eclipse.jetty.server.Server=info")) {
        jetty.awaitUrl(Duration.ofSeconds(60));
        List<String> quietLines = stopAndReadLog(quiet);
        assertTrue(quietLines.isEmpty(), String.join("\n", quietLines));
        List<String> jettyLines = stopAndReadLog(jetty);
        assertTrue(jettyLines.stream().anyMatch(l -> l.contains("INFO  Server - jetty-11")), String.join("\n", jettyLines));
        assertTrue(jettyLines.stream().noneMatch(l -> l.contains("AbstractConnector")), String.join("\n", jettyLines));
      }
    }
  }

  @Test
  void levelsAreKeysOfTheConfigFileToo() throws Exception {
    Path config = dir.resolve("logs.properties");
    java.nio.file.Files.writeString(config, "relay.log.level=warn\nrelay.log.level.org.eclipse.jetty.server.Server=info\n");
    try (RelayProcess p = relay("filelevels", "--config", config.toString())) {
      p.awaitUrl(Duration.ofSeconds(60));
      List<String> lines = stopAndReadLog(p);
      assertTrue(lines.stream().anyMatch(l -> l.contains("INFO  Server - jetty-11")), String.join("\n", lines));
      assertTrue(lines.stream().noneMatch(l -> l.contains("RelayServer")), "our own INFO lines are off: "
          + String.join("\n", lines));
    }
  }

  @Test
  void aBadLogOptionIsRefusedNamingIt() throws Exception {
    try (RelayProcess p = relay("bad", "--log-format", "xml")) {
      assertTrue(p.process.waitFor(60, TimeUnit.SECONDS));
      assertEquals(2, p.process.exitValue());
      assertTrue(p.errors().contains("cio relay: relay.log.format = 'xml' (flag --log-format): must be text or json"),
          p.errors());
      try (RelayProcess q = relay("badlevel", "--log-level", "loud")) {
        assertTrue(q.process.waitFor(60, TimeUnit.SECONDS));
        assertTrue(q.errors().contains("relay.log.level = 'loud' (flag --log-level): must be one of trace, debug, info, "
            + "warn, error, off"),
            q.errors());
      }
    }
  }

  @Test
  void metricsCarryJvmAndProcessMeters() throws Exception {
    try (RelayProcess p = relay("metrics")) {
      String url = p.awaitUrl(Duration.ofSeconds(60));
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(url + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      for (String meter : List.of(
          "jvm_memory_used_bytes{", "jvm_memory_committed_bytes{", "jvm_memory_max_bytes{",
          "jvm_buffer_memory_used_bytes{", "jvm_gc_memory_allocated_bytes_total", "jvm_gc_memory_promoted_bytes_total",
          "jvm_gc_live_data_size_bytes", "jvm_gc_overhead", "jvm_memory_usage_after_gc{",
          "jvm_threads_live_threads", "jvm_threads_daemon_threads", "jvm_threads_peak_threads",
          "jvm_threads_states_threads{", "jvm_classes_loaded_classes", "jvm_classes_unloaded_classes_total",
          "jvm_info{", "process_cpu_usage", "system_cpu_usage", "system_cpu_count", "system_load_average_1m",
          "process_uptime_seconds", "process_start_time_seconds",
          "process_files_open_files", "process_files_max_files",
          "logback_events_total{level=\"info\"")) {
        assertTrue(r.body().contains(meter), meter + " missing from /metrics");
      }
    }
  }
}
