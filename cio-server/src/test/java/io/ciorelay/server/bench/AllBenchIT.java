package io.ciorelay.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.server.Cio;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code cio bench all} with tiny sizes: every row of the table is there with a number (timings are not judged). */
class AllBenchIT {
  private static final List<String> METRICS = List.of(
      "delivered events/s, v2 batches, limit 100/s (built-in receiver)",
      "delivered events/s, one request per event",
      "batched / one per event",
      "process CPU per delivered operation (built-in receiver)",
      "track() p50, during delivery",
      "track() p99, during delivery",
      "relay single-event requests/s (8 in flight)",
      "relay single-event p50",
      "relay single-event p99",
      "relay single-event errors",
      "relay v2 batch events/s (100 per request)",
      "relay v2 batch p99");
  private static final Pattern NUMBER = Pattern.compile("[0-9]+(\\.[0-9]+)?( us| ms|x)?");

  @Test
  void printsEveryHeadlineRowWithANumberAndTheMachine() {
    CommandLine cli = Cio.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute("bench", "all", "--events", "2000", "--baseline-events", "20", "--warmup", "0",
        "--duration", "1s", "--batch-duration", "500ms", "--concurrency", "8");
    String text = out.toString();
    assertEquals(0, exit, text + err);
    List<String[]> rows = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("| ") && !line.startsWith("| metric ")) {
        String[] cells = line.substring(1, line.length() - 1).split("\\|");
        rows.add(new String[] {cells[0].trim(), cells[1].trim(), cells[2].trim(), cells[3].trim()});
      }
    }
    assertEquals(METRICS, rows.stream().map(r -> r[0]).toList(), text);
    for (String[] r : rows) {
      assertTrue(NUMBER.matcher(r[1]).matches(), "a number for " + r[0] + ": '" + r[1] + "'");
      assertTrue(r[3].equals("yes") || r[3].equals("no") || r[3].equals("-"), r[3]);
    }
    assertTrue(rows.get(0)[1].matches("[1-9][0-9]*"), "something was delivered: " + rows.get(0)[1]);
    assertTrue(rows.get(6)[1].matches("[1-9][0-9]*"), "the relay answered: " + rows.get(6)[1]);
    assertTrue(rows.get(10)[1].matches("[1-9][0-9]*"), "the relay took batches: " + rows.get(10)[1]);
    assertTrue(text.contains("machine: ") && text.contains(" cores ("), text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("delivered_events_per_sec=")), text);
  }

  @Test
  void benchHelpNamesTheDefaultAndEverySubcommand() {
    CommandLine cli = Cio.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("bench", "--help"));
    for (String s : new String[] {"all", "delivery", "relay", "backlog", "Without a subcommand"}) {
      assertTrue(out.toString().contains(s), s + " in\n" + out);
    }
  }

  @Test
  void badDurationsAreRefusedWithTheValue() {
    CommandLine cli = Cio.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("bench", "all", "--duration", "soon"));
    assertTrue(err.toString().contains("'soon' is not a duration (e.g. 30s, 500ms, 2m)"), err.toString());
  }
}
