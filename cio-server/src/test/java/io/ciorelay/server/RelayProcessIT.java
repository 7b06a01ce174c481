package io.ciorelay.server;

import static io.ciorelay.server.relay.RelayTestSupport.config;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.f4b6a3.ulid.UlidCreator;
import io.ciorelay.server.relay.RelayServer;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.OutageMode;
import io.ciorelay.simulator.RecordedOperation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay as a child process: kill -9 under load, and SIGTERM shutdown. */
class RelayProcessIT {
  @TempDir
  Path dir;
  CioSimulator sim;
  final List<RelayProcess> children = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeEach
  void start() {
    sim = CioSimulator.builder().rateLimit(0).build().start();
  }

  @AfterEach
  void stop() {
    children.forEach(RelayProcess::close);
    sim.close();
  }

  RelayProcess relay(String name, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0", "--data", dir.resolve("data").toString(),
        "--target", sim.baseUrl(), "--rate-limit", "1000", "--set", "relay.linger=20ms",
        "--set", "relay.retry.base-delay=100ms", "--set", "relay.retry.max-delay=500ms"));
    args.addAll(List.of(extra));
    RelayProcess p = RelayProcess.start(dir, name, Map.of("CIO_SITE_ID", sim.siteId(), "CIO_API_KEY", sim.apiKey()),
        args.toArray(String[]::new));
    children.add(p);
    return p;
  }

  int postEvent(String base, String person, String id, String name) throws Exception {
    String auth = "Basic " + Base64.getEncoder().encodeToString((sim.siteId() + ":" + sim.apiKey()).getBytes(StandardCharsets.UTF_8));
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/customers/" + person + "/events"))
        .timeout(Duration.ofSeconds(15))
        .header("Authorization", auth).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"id\":\"" + id + "\",\"data\":{\"n\":1}}"))
        .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void everyConfirmedRequestIsDeliveredExactlyOnceAfterKillMinusNine() throws Exception {
    sim.faults().latency(Duration.ofMillis(40));
    RelayProcess first = relay("first");
    String base = first.awaitUrl(Duration.ofSeconds(60));

    Set<String> confirmed = ConcurrentHashMap.newKeySet();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      Thread s = new Thread(() -> {
        while (running.get()) {
          String id = UlidCreator.getMonotonicUlid().toString();
          try {
            if (postEvent(base, "person-" + thread + "-" + (sent.incrementAndGet() % 5), id, "load") == 200) {
              confirmed.add(id);
            }
          } catch (Exception e) {
            return; // the relay is gone
          }
        }
      }, "load-" + t);
      s.start();
      senders.add(s);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> confirmed.size() >= 400);
    Process kill = new ProcessBuilder("kill", "-9", Long.toString(first.process.pid())).start();
    assertEquals(0, kill.waitFor());
    assertTrue(first.process.waitFor(10, TimeUnit.SECONDS));
    assertEquals(137, first.process.exitValue(), "killed by SIGKILL");
    running.set(false);
    for (Thread s : senders) {
      s.join(20_000);
      assertTrue(!s.isAlive(), "sender " + s.getName() + " stopped");
    }
    int recordedAtKill = sim.records().count();

    sim.faults().latency(Duration.ZERO);
    RelayProcess second = relay("second");
    second.awaitUrl(Duration.ofSeconds(60));
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> sim.records().eventIds().containsAll(confirmed));
    Map<String, Long> perId = sim.records().events().stream()
        .collect(Collectors.groupingBy(RecordedOperation::eventId, Collectors.counting()));
    for (String id : confirmed) {
      assertEquals(1L, perId.get(id), "event " + id + " recorded exactly once");
    }
    System.out.println("kill -9 test: confirmed " + confirmed.size() + ", recorded at kill " + recordedAtKill
        + ", recorded in all " + perId.size() + ", repeats dropped by id " + sim.records().duplicateCount());
  }

  @Test
  void sigtermDeliversUntilTheDeadlineReportsCountsAndKeepsTheRestOnDisk() throws Exception {
    sim.faults().outage(OutageMode.SERVICE_UNAVAILABLE);
    RelayProcess child = relay("sigterm", "--set", "relay.shutdown-timeout=2s");
    String base = child.awaitUrl(Duration.ofSeconds(60));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String id = UlidCreator.getMonotonicUlid().toString();
      assertEquals(200, postEvent(base, "t" + i, id, "kept"));
      ids.add(id);
    }
    child.process.destroy(); // SIGTERM
    assertTrue(child.process.waitFor(60, TimeUnit.SECONDS), "exited after SIGTERM");
    String out = child.output();
    assertTrue(out.contains("cio relay stopped: accepted=5 delivered=0 dead_lettered=0 remaining_on_disk=5"),
        out + "\nstderr:\n" + child.errors());
    assertEquals(0, sim.records().count());

    sim.faults().endOutage();
    RelayServer again = RelayServer.builder(config(sim, dir.resolve("data")).build()).build().start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> sim.records().eventIds().containsAll(ids));
      assertEquals(5, sim.records().events("kept").size());
    } finally {
      again.stop();
    }
  }
}
