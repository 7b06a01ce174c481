package io.ciorelay.delivery.outbox;

import static io.ciorelay.delivery.outbox.Entries.all;
import static io.ciorelay.delivery.outbox.Entries.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a child JVM (SIGKILL) while it appends in SYNC mode, then checks what survived. */
class CrashRecoveryTest {

  private static final Pattern PAYLOAD = Pattern.compile("t\\d+-\\d+");
  private static final int CONFIRMED_TO_READ = 3_000;

  @TempDir Path dir;

  @Test
  void everyConfirmedEntrySurvivesKillDashNineExactlyOnce() throws Exception {
    Path file = dir.resolve("crash.db");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CrashChild.class.getName(), file.toString(), "4");
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process child = pb.start();
    Map<Long, String> confirmed = new HashMap<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      while (confirmed.size() < CONFIRMED_TO_READ) {
        String line = in.readLine();
        assertNotNull(line, "child exited early with " + (child.isAlive() ? "?" : child.exitValue()));
        String[] parts = line.split(" ");
        assertEquals(null, confirmed.put(Long.parseLong(parts[0]), parts[1]), "seq confirmed twice: " + line);
      }
      child.destroyForcibly();
      assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    } finally {
      child.destroyForcibly();
    }
    assertEquals(137, child.exitValue(), "killed by SIGKILL");

    assertEquals("ok", SqliteTestFiles.integrityCheck(file));
    try (SqliteOutbox outbox = SqliteOutbox.open(OutboxConfig.builder().path(file).lanes(8).build())) {
      List<StoredEntry> stored = all(outbox);
      Map<Long, String> bySeq = new HashMap<>();
      Set<String> payloads = new HashSet<>();
      for (StoredEntry s : stored) {
        String payload = text(s.payload());
        assertTrue(PAYLOAD.matcher(payload).matches(), () -> "corrupt payload " + payload);
        assertEquals("ev-" + payload, s.eventId());
        assertEquals(outbox.laneOf(s.personKey()), s.lane());
        assertTrue(payloads.add(payload), () -> "duplicated entry " + payload);
        bySeq.put(s.seq(), payload);
      }
      for (Map.Entry<Long, String> c : confirmed.entrySet()) {
        assertEquals(c.getValue(), bySeq.get(c.getKey()), "confirmed seq " + c.getKey() + " lost or changed");
      }
      assertTrue(stored.size() >= confirmed.size());
      assertEquals(stored.size(), outbox.stats().pending());
      long seq = Entries.appendCommitted(outbox, Entries.entry("after", "crash"));
      assertTrue(seq > bySeq.keySet().stream().mapToLong(Long::longValue).max().orElse(0), "no seq reused");
    }
  }
}
