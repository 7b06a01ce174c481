package io.ciorelay.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatling.app.Gatling$;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The load test's assertions are live: the same shortened run passes against a fast simulator and
 * fails its p95/p99 assertions (Gatling's exit code 2) when every simulator answer is delayed past
 * the threshold; and a Customer.io host is refused before anything is sent. Gatling runs in this
 * JVM, reading its parameters from system properties as it does when forked by the Maven plugin.
 */
class GatlingAssertionsIT {
  private static final int ASSERTIONS_FAILED = 2;
  private static final Path RESULTS = Path.of("target", "gatling", "assertions-live-check");

  @Test
  void aFastSimulatorPassesAndASlowOneFailsTheLatencyAssertions() throws Exception {
    assertEquals(0, run(Map.of("runId", "live-fast")), "the run against a fast simulator must pass its assertions");
    assertEquals(ASSERTIONS_FAILED, run(Map.of("runId", "live-slow", "simulatorLatencyMs", "600")),
        "every answer delayed 600 ms must fail p95 < 500 ms");
    List<String> persons = Files.readAllLines(Path.of("target", "load-test-persons-live-slow.txt"));
    assertFalse(persons.isEmpty());
    assertEquals("load-live-slow-1", persons.get(0));
    assertEquals(persons.size(), persons.stream().distinct().count(), "person ids are unique");
  }

  @Test
  void aCustomerIoHostIsRefusedWithoutAllowProduction() {
    Map<String, String> props = Map.of("runId", "guard", "target", "https://track.customer.io");
    // Gatling rethrows the simulation constructor's InvocationTargetException as is.
    Exception e = assertThrows(Exception.class, () -> run(props));
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    assertTrue(root instanceof IllegalArgumentException
        && root.getMessage().startsWith("refusing to load-test track.customer.io: it is a Customer.io host"), root.toString());
    assertFalse(Files.exists(Path.of("target", "load-test-persons-guard.txt")), "no person was created");
  }

  /** Runs the shortened simulation (about 6 s) with these parameters and returns Gatling's exit code. */
  private static int run(Map<String, String> params) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(Map.of("scale", "0.05", "personsDir", "target",
        "target", "simulator"));
    all.putAll(params);
    all.forEach(System::setProperty);
    try {
      Files.createDirectories(RESULTS);
      return Gatling$.MODULE$.fromArgs(new String[] {
          "-s", CustomerIoLoadSimulation.class.getName(), "-rf", RESULTS.toAbsolutePath().toString(), "-nr"});
    } finally {
      all.keySet().forEach(System::clearProperty);
    }
  }
}
