package io.ciorelay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CioTest {

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
  void helpListsTheSimulatorSubcommand() {
    String[] r = run("--help");
    assertEquals("0", r[0]);
    assertTrue(r[1].contains("Usage: cio"), r[1]);
    assertTrue(r[1].contains("simulator"), r[1]);
  }

  @Test
  void helpListsTheRelayAndOperatorCommands() {
    String[] r = run("--help");
    for (String sub : new String[] {"relay", "status", "dlq"}) {
      assertTrue(r[1].contains(sub), sub + " in\n" + r[1]);
    }
    String[] relay = run("relay", "--help");
    assertEquals("0", relay[0]);
    for (String option : new String[] {"--port", "--data", "--target", "--rate-limit", "--config", "--set"}) {
      assertTrue(relay[1].contains(option), option + " in\n" + relay[1]);
    }
  }

  @Test
  void versionIsPrinted() {
    String[] r = run("--version");
    assertEquals("0", r[0]);
    assertTrue(r[1].startsWith("cio "), r[1]);
  }

  @Test
  void simulatorHelpListsItsOptions() {
    String[] r = run("simulator", "--help");
    assertEquals("0", r[0]);
    for (String option : new String[] {"--port", "--site-id", "--api-key", "--rate-limit", "--[no-]retry-after"}) {
      assertTrue(r[1].contains(option), option + " in\n" + r[1]);
    }
  }

  @Test
  void badOptionValuesAreRejected() {
    assertNotEquals("0", run("simulator", "--port", "notaport")[0]);
    String[] r = run("simulator", "--port", "0", "--rate-limit", "-5");
    assertEquals("2", r[0], r[1] + r[2]);
    assertTrue(r[2].contains("rateLimit must be in 0..100000 but was -5"), r[2]);
    assertNotEquals("0", run("bogus")[0]);
  }

  @Test
  void aPortInUseIsReportedNotThrown() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      String[] r = run("simulator", "--port", Integer.toString(taken.getLocalPort()));
      assertEquals("1", r[0], r[1] + r[2]);
      assertTrue(r[2].contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), r[2]);
    }
  }
}
