package io.ciorelay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code cio torture}'s options (the run itself is {@code io.ciorelay.server.torture.TortureIT}). */
class TortureCommandTest {
  @Test
  void isListedAndDescribesItsOptions() {
    assertTrue(CioTest.run("--help")[1].contains("torture"));
    String[] help = CioTest.run("torture", "--help");
    assertEquals("0", help[0]);
    for (String option : new String[] {"--seconds", "--seed", "--store", "--faults", "--redis-uri", "--work-dir"}) {
      assertTrue(help[1].contains(option), option + " in\n" + help[1]);
    }
  }

  @Test
  void badOptionsAreRefusedWithExitCode2NamingTheOption() {
    String[][] cases = {
        {"--seconds", "2", "--seconds must be in 5..604800 but was 2"},
        {"--store", "kafka", "--store must be sqlite, redis or both but was kafka"},
        {"--faults", "5xx,sideways", "unknown fault 'sideways'"},
    };
    for (String[] c : cases) {
      String[] r = CioTest.run("torture", c[0], c[1]);
      assertEquals("2", r[0], String.join(" ", c) + ": " + r[2]);
      assertTrue(r[2].contains(c[2]), r[2]);
    }
  }
}
