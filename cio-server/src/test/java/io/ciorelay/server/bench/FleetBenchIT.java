package io.ciorelay.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.server.Cio;
import io.ciorelay.server.RedisProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cio bench fleet} on a real Redis: a row per fleet size with numbers; bad input refused. */
class FleetBenchIT {
  @TempDir
  Path dir;

  @Test
  void printsARowPerFleetSizeEveryEventDeliveredAndLeavesNoKeys() throws Exception {
    try (RedisProcess redis = RedisProcess.sharedOrPrivate(dir)) {
      CommandLine cli = Cio.commandLine();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      int exit = cli.execute("bench", "fleet", "--redis", redis.uri(0), "--relays", "1,2", "--events", "2000");
      String text = out.toString();
      assertEquals(0, exit, text + err);
      List<String[]> rows = new ArrayList<>();
      for (String line : text.split("\n")) {
        if (line.matches("\\| [0-9]+ \\|.*")) {
          rows.add(line.substring(1, line.length() - 1).split("\\|"));
        }
      }
      assertEquals(2, rows.size(), text);
      for (String[] r : rows) {
        assertTrue(r[1].trim().matches("[1-9][0-9,]*"), "events/s: " + r[1]);
        assertTrue(Integer.parseInt(r[2].trim()) >= 20, "2,000 events at 100 per request need 20 requests: " + r[2]);
        assertTrue(r[3].trim().matches("[0-9]+\\.[0-9]"), "round trips per batch: " + r[3]);
      }
      assertTrue(text.contains("2000 events delivered"), text);
      assertTrue(text.contains("machine: "), text);
      assertEquals(0, redis.countKeys("cio-bench-"), "the bench deleted its keys");
    }
  }

  @Test
  void badFleetSizesAndAnUnreachableRedisAreRefused() {
    CommandLine cli = Cio.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("bench", "fleet", "--relays", "0"));
    assertTrue(err.toString().contains("--relays values must be in 1..16 but one was 0"), err.toString());
    assertEquals(2, cli.execute("bench", "fleet", "--redis", "http://127.0.0.1:1"));
    assertTrue(err.toString().contains("--redis"), err.toString());
  }
}
