package io.ciorelay.server.torture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeded fault-schedule run on a short budget, once per store. The seed is random unless
 * {@code -Dtorture.seed=S} is given; a failure names the violated invariants and prints the
 * {@code ./cio torture} command that replays the run ({@code -Dtorture.seconds} lengthens it).
 *
 * <p>Every fault kind is in the schedule ({@code -Dtorture.faults=reset,404} narrows it). A stalled
 * body and 404/3xx windows pass only with the engine's hard deadline over the body and the outcome
 * policy that pauses for a broken endpoint; without them the recovery and dead-letter invariants
 * fail (recorded in RELIABILITY.md).
 */
class TortureIT {
  static final long SEED = Long.getLong("torture.seed", new java.security.SecureRandom().nextLong());
  static final Duration LENGTH = Duration.ofSeconds(Long.getLong("torture.seconds", 15));
  static final Set<FaultKind> KINDS = FaultKind.parse(System.getProperty("torture.faults", "all"));

  @TempDir
  Path dir;

  @Test
  void sqliteStoreKeepsEveryPromiseThroughASeededFaultSchedule() throws Exception {
    run("sqlite");
  }

  @Test
  void redisFleetKeepsEveryPromiseThroughASeededFaultSchedule() throws Exception {
    run("redis");
  }

  private void run(String store) throws Exception {
    StringWriter text = new StringWriter();
    Torture.Options options = new Torture.Options(SEED, LENGTH, Set.of(store), KINDS, null, dir);
    Torture.Report report;
    try (PrintWriter log = new PrintWriter(text, true)) {
      report = new Torture(log).run(options);
    }
    System.out.println(text);
    assertTrue(report.passed(), "seed " + SEED + " broke an invariant; replay with: " + options.replayCommand()
        + "\n" + text);
  }
}
