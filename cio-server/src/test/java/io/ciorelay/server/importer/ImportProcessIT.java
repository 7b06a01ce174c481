package io.ciorelay.server.importer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.server.Cio;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.RecordedOperation;
import java.io.BufferedWriter;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cio import} as a child JVM, killed with {@code kill -9} or stopped with SIGTERM mid-way and
 * run again: nothing lost, nothing before the checkpoint re-sent, repeats bounded by what was in
 * flight.
 */
class ImportProcessIT {
  static final int ROWS = 20_000;
  static final int BATCH = 100;
  static final int IN_FLIGHT = 4;

  @TempDir
  Path dir;
  CioSimulator sim;
  final List<Process> children = new ArrayList<>();

  @BeforeEach
  void start() {
    sim = CioSimulator.builder().rateLimit(0).build().start();
  }

  @AfterEach
  void stop() {
    children.forEach(Process::destroyForcibly);
    sim.close();
  }

  Process importer(String name, Path file, String rateLimit, String... extra) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        Cio.class.getName(), "import", file.toString(), "--target", sim.baseUrl(), "--rate-limit", rateLimit,
        "--batch-size", String.valueOf(BATCH), "--in-flight", String.valueOf(IN_FLIGHT), "--no-progress"));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectOutput(dir.resolve(name + "-stdout.log").toFile())
        .redirectError(dir.resolve(name + "-stderr.log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("CIO_"));
    pb.environment().put("CIO_SITE_ID", sim.siteId());
    pb.environment().put("CIO_API_KEY", sim.apiKey());
    Process p = pb.start();
    children.add(p);
    return p;
  }

  String log(String name) throws IOException {
    return Files.readString(dir.resolve(name + "-stdout.log")) + Files.readString(dir.resolve(name + "-stderr.log"));
  }

  /** Waits until the checkpoint has passed {@code line} and returns it. */
  Checkpoint awaitProgress(Path checkpoint, Process p, long line) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
      assertTrue(p.isAlive(), "the import ended before it was stopped");
      Checkpoint c = Files.exists(checkpoint) ? Checkpoint.read(checkpoint) : null;
      return c != null && c.line() > line;
    });
    return Checkpoint.read(checkpoint);
  }

  Checkpoint runToCompletion(String name, Path file, String... extra) throws Exception {
    Process again = importer(name, file, "100000", extra);
    assertTrue(again.waitFor(60, TimeUnit.SECONDS), "the re-run did not finish");
    String out = log(name);
    assertEquals(0, again.exitValue(), out);
    assertTrue(out.contains("resuming " + file + " from line"), out);
    assertTrue(out.contains("cio import: complete"), out);
    Checkpoint done = Checkpoint.read(dir.resolve(file.getFileName() + ".checkpoint"));
    assertTrue(done.complete());
    return done;
  }

  Path events() throws IOException {
    Path file = dir.resolve("events.ndjson");
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 1; i <= ROWS; i++) {
        w.write("{\"person\":\"p" + (i % 700) + "\",\"name\":\"order\",\"timestamp\":" + (1_700_000_000L + i)
            + ",\"data\":{\"line\":" + i + "}}\n");
      }
    }
    return file;
  }

  /** Event id → line, as the importer derives them. */
  static Map<String, Long> expectedIds(Path file) throws IOException {
    EventIds ids = new EventIds(Checkpoint.identify(file).fingerprint());
    Map<String, Long> out = new HashMap<>();
    for (long line = 1; line <= ROWS; line++) {
      out.put(ids.idFor(line, 1_700_000_000L + line), line);
    }
    return out;
  }

  @Test
  void eventsKilledWithKill9AndRerunArriveEveryOneWithRepeatsOnlyFromBatchesInFlight() throws Exception {
    Path file = events();
    Path checkpoint = dir.resolve("events.ndjson.checkpoint");
    Process p = importer("first", file, "50", "--type", "event");
    awaitProgress(checkpoint, p, 2000);
    p.destroyForcibly();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    Checkpoint atKill = Checkpoint.read(checkpoint);
    assertFalse(atKill.complete());
    assertTrue(atKill.line() < ROWS, "killed too late to test anything: " + atKill);
    int recordedAtKill = sim.records().count();
    assertTrue(recordedAtKill >= atKill.sent(), recordedAtKill + " < " + atKill.sent());
    assertTrue(recordedAtKill < ROWS, "the import finished before the kill");

    Checkpoint done = runToCompletion("second", file, "--type", "event");
    assertEquals(ROWS, done.sent());
    assertTrue(log("second").contains("skipped:   " + (atKill.line() - 1)), log("second"));

    Map<String, Long> expected = expectedIds(file);
    assertEquals(expected.keySet(), sim.records().eventIds());
    assertEquals(ROWS, sim.records().count());
    Map<String, Integer> repeats = sim.records().duplicatesByEventId();
    long dropped = sim.records().duplicateCount();
    System.out.println("kill -9 at checkpoint line " + atKill.line() + ", " + recordedAtKill
        + " events recorded at the kill, " + dropped + " repeats dropped by id after the re-run");
    assertTrue(dropped <= (long) IN_FLIGHT * BATCH, "repeats " + dropped + " exceed what can be in flight");
    for (String id : repeats.keySet()) {
      assertTrue(expected.get(id) >= atKill.line(), "line " + expected.get(id) + " was re-sent though the checkpoint at the kill was past it ("
          + atKill.line() + ")");
    }
  }

  @Test
  void identifiesKilledWithKill9AndRerunReachEveryPersonWithRepeatsOnlyFromBatchesInFlight() throws Exception {
    Path file = dir.resolve("people.csv");
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("id,plan\n");
      for (int i = 1; i <= ROWS; i++) {
        w.write("u" + (i + 1) + ",plan-" + i + "\n"); // person u<line>
      }
    }
    Path checkpoint = dir.resolve("people.csv.checkpoint");
    Process p = importer("first", file, "50");
    awaitProgress(checkpoint, p, 2000);
    p.destroyForcibly();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    Checkpoint atKill = Checkpoint.read(checkpoint);

    runToCompletion("second", file);
    List<RecordedOperation> all = sim.records().all();
    Map<String, Long> perPerson = all.stream()
        .collect(Collectors.groupingBy(RecordedOperation::identifierValue, Collectors.counting()));
    assertEquals(ROWS, perPerson.size());
    assertTrue(all.size() - ROWS <= (long) IN_FLIGHT * BATCH, "repeats " + (all.size() - ROWS));
    perPerson.forEach((person, n) -> {
      if (n > 1) {
        long line = Long.parseLong(person.substring(1));
        assertTrue(line >= atKill.line(), person + " re-sent though the checkpoint was at line " + atKill.line());
      }
    });
  }

  @Test
  void sigtermStopsAfterTheBatchesInFlightWritesTheCheckpointAndARerunFinishesWithoutRepeats() throws Exception {
    Path file = events();
    Path checkpoint = dir.resolve("events.ndjson.checkpoint");
    Process p = importer("first", file, "50", "--type", "event");
    awaitProgress(checkpoint, p, 2000);
    p.destroy();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String first = log("first");
    assertTrue(first.contains("cio import: INTERRUPTED before line"), first);
    Checkpoint atStop = Checkpoint.read(checkpoint);
    assertEquals(sim.records().count(), atStop.sent(), "everything sent is in the checkpoint after a graceful stop");

    runToCompletion("second", file, "--type", "event");
    assertEquals(expectedIds(file).keySet(), sim.records().eventIds());
    assertEquals(0, sim.records().duplicateCount());
  }
}
