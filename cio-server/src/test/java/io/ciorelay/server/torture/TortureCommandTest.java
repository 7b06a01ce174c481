package io.ciorelay.server.torture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.server.Cio;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TortureCommandTest {
  static String[] run(String... args) {
    CommandLine cli = Cio.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new String[] {Integer.toString(exit), out.toString(), err.toString()};
  }

  @Test
  void isListedAndDescribesItsOptions() {
    assertTrue(run("--help")[1].contains("torture"));
    String[] help = run("torture", "--help");
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
      String[] r = run("torture", c[0], c[1]);
      assertEquals("2", r[0], String.join(" ", c) + ": " + r[2]);
      assertTrue(r[2].contains(c[2]), r[2]);
    }
  }
}
