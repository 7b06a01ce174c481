package io.ciorelay.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.RecordedOperation;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process accepting events in SYNC mode is killed with kill -9; every confirmed event arrives exactly once. */
class CrashRecoveryIT {
  @TempDir
  Path dir;
  CioSimulator sim;

  @BeforeEach
  void start() {
    sim = CioSimulator.builder().rateLimit(0).build().start();
    // Slow answers keep a backlog and requests in flight at the moment of the kill.
    sim.faults().latency(Duration.ofMillis(40));
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void killMinusNineMidStreamThenRestart() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CrashingProducer.class.getName(), sim.baseUrl(), sim.siteId(), sim.apiKey(), dir.toString(), "200000");
    pb.redirectError(dir.resolve("child-stderr.log").toFile());
    Process child = pb.start();
    Set<String> confirmed = new LinkedHashSet<>();
    Set<String> acceptedIds = new HashSet<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("ACCEPTING ")) {
          acceptedIds.add(line.substring(10));
        } else if (line.startsWith("CONFIRMED ")) {
          confirmed.add(line.substring(10));
          if (confirmed.size() >= 5_000 && sim.records().count() > 500) {
            break;
          }
        }
      }
      assertTrue(confirmed.size() >= 5_000, "child confirmed only " + confirmed.size() + "; see child-stderr.log");
      Process kill = new ProcessBuilder("kill", "-9", Long.toString(child.pid())).start();
      assertEquals(0, kill.waitFor());
      assertTrue(child.waitFor(10, TimeUnit.SECONDS));
      assertEquals(137, child.exitValue(), "killed by SIGKILL");
      // Lines already written before the kill still count as confirmed.
      while ((line = in.readLine()) != null) {
        if (line.startsWith("ACCEPTING ")) {
          acceptedIds.add(line.substring(10));
        } else if (line.startsWith("CONFIRMED ")) {
          confirmed.add(line.substring(10));
        }
      }
    }
    int recordedAtKill = sim.records().count();
    assertTrue(recordedAtKill < confirmed.size(), "a backlog was left at the kill: recorded "
        + recordedAtKill + " of " + confirmed.size() + " confirmed");

    sim.faults().latency(Duration.ZERO);
    try (CustomerIo cio = CustomerIo.create(DeliveryTestSupport.config(sim, dir).build())) {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
          .until(() -> sim.records().eventIds().containsAll(confirmed));
      cio.flush().get(60, TimeUnit.SECONDS);
      assertEquals(0, cio.health().backlog());
    }
    List<RecordedOperation> events = sim.records().events();
    Set<String> seen = new HashSet<>();
    for (RecordedOperation e : events) {
      assertTrue(seen.add(e.eventId()), "event " + e.eventId() + " recorded twice");
    }
    assertTrue(seen.containsAll(confirmed));
    // Nothing arrived that the child did not accept (a re-send with a new id would show here).
    assertTrue(acceptedIds.containsAll(seen), "recorded ids the child never submitted: "
        + seen.stream().filter(id -> !acceptedIds.contains(id)).limit(5).toList());
    DeliveryTestSupport.assertPerPersonOrder(events);
  }
}
