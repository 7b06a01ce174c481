package io.ciorelay.server.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.client.Limits;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.RecordedOperation;
import io.ciorelay.simulator.ScriptedResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cio import} in process against a real simulator: whole files, bad rows, dry runs, refusals, server answers. */
class ImportIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;
  CioSimulator sim;

  record Result(int exit, String out, String err) {}

  @BeforeEach
  void start() {
    sim = CioSimulator.builder().rateLimit(0).build().start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  Map<String, String> credentials() {
    return Map.of("CIO_SITE_ID", sim.siteId(), "CIO_API_KEY", sim.apiKey());
  }

  static Result run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ImportCommand(env));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  Result importFile(Path file, String... extra) {
    String[] args = new String[extra.length + 5];
    args[0] = file.toString();
    args[1] = "--target";
    args[2] = sim.baseUrl();
    args[3] = "--rate-limit";
    args[4] = "100000";
    System.arraycopy(extra, 0, args, 5, extra.length);
    return run(credentials(), args);
  }

  /** line → reason, read from a rejects file. */
  static Map<Long, String> rejects(Path file) throws IOException {
    Map<Long, String> out = new TreeMap<>();
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      JsonNode n = JSON.readTree(l);
      String previous = out.put(n.get("line").asLong(), n.get("reason").asText());
      assertEquals(null, previous, "line " + n.get("line") + " rejected twice");
    }
    return out;
  }

  static long summaryValue(String out, String key) {
    for (String l : out.split("\n")) {
      String t = l.strip();
      if (t.startsWith(key + ":")) {
        return Long.parseLong(t.substring(key.length() + 1).strip().split(" ")[0]);
      }
    }
    throw new AssertionError("no '" + key + "' in summary:\n" + out);
  }

  /** A 100,000-event file with bad rows among them; returns the bad lines and what their reasons must say. */
  static Map<Long, String> writeEvents(Path file, int valid) throws IOException {
    Map<Long, String> bad = new HashMap<>();
    long line = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 1; i <= valid; i++) {
        if (i % 20_000 == 0) {
          w.write("{\"name\":\"purchase\",\"timestamp\":1700000000}\n");
          bad.put(++line, "missing identifier 'person'");
          w.write("{\"person\":\"p1\",\"name\":\"purchase\",\"timestamp\":\"yesterday\"}\n");
          bad.put(++line, "timestamp must be unix seconds or an ISO-8601 time");
          w.write("{\"person\":\"p1\",\"name\":\"purchase\",\n");
          bad.put(++line, "malformed JSON");
          w.write("{\"person\":\"p1\",\"name\":\"" + "n".repeat(101) + "\"}\n");
          bad.put(++line, "the limit is 100 bytes");
          w.write("\n");
          line++;
        }
        w.write("{\"person\":\"p" + (i % 5000) + "\",\"name\":\"purchase\",\"timestamp\":" + (1_700_000_000L + i)
            + ",\"data\":{\"n\":" + i + ",\"sku\":\"s-" + i + "\"}}\n");
        line++;
      }
    }
    return bad;
  }

  @Test
  void hundredThousandEventsArriveExactlyOnceAndBadRowsAreRejectedWithTheirLineAndReason() throws Exception {
    Path file = dir.resolve("events.ndjson");
    Map<Long, String> bad = writeEvents(file, 100_000);
    Result r = importFile(file, "--type", "event", "--no-progress");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals(100_000, summaryValue(r.out(), "sent"), r.out());
    assertEquals(bad.size(), summaryValue(r.out(), "rejected"), r.out());

    assertEquals(100_000, sim.records().count());
    assertEquals(0, sim.records().duplicateCount());
    Set<Integer> ns = new HashSet<>();
    for (RecordedOperation op : sim.records().all()) {
      assertEquals(RecordedOperation.Action.EVENT, op.action());
      assertTrue(ns.add(JSON.readTree(op.attributesJson()).get("n").asInt()), "twice: " + op);
    }
    assertEquals(100_000, ns.size());
    assertEquals(100_000, sim.records().eventIds().size());

    Map<Long, String> rejected = rejects(dir.resolve("events.ndjson.rejects.ndjson"));
    assertEquals(bad.keySet(), rejected.keySet());
    bad.forEach((line, why) -> assertTrue(rejected.get(line).contains(why), line + ": " + rejected.get(line)));
    assertTrue(Checkpoint.read(dir.resolve("events.ndjson.checkpoint")).complete());

    Result again = importFile(file, "--type", "event", "--no-progress");
    assertEquals(0, again.exit(), again.out() + again.err());
    assertTrue(again.err().contains("was already imported"), again.err());
    assertEquals(100_000, sim.records().count());
  }

  @Test
  void eventIdsAreDerivedFromTheFileAndLineSoARestartedImportIsDeduplicated() throws Exception {
    Path file = dir.resolve("e.jsonl");
    writeEvents(file, 300);
    EventIds ids = new EventIds(Checkpoint.identify(file).fingerprint());
    assertEquals(0, importFile(file, "--type", "event", "--no-progress").exit());
    Set<String> expected = new HashSet<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      JsonNode n = lines.get(i).isBlank() ? null : parseOrNull(lines.get(i));
      if (n != null && n.has("data")) {
        expected.add(ids.idFor(i + 1, n.get("timestamp").asLong()));
      }
    }
    assertEquals(expected, sim.records().eventIds());
    Result again = importFile(file, "--type", "event", "--no-progress", "--restart");
    assertEquals(0, again.exit(), again.out() + again.err());
    assertEquals(300, sim.records().count());
    assertEquals(300, sim.records().duplicateCount());
  }

  static JsonNode parseOrNull(String s) {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      return null;
    }
  }

  @Test
  void csvIdentifiesArriveOnceEachWithQuotedFieldsAndBadRowsRejectedAtTheirStartingLine() throws Exception {
    Path file = dir.resolve("people.csv");
    Map<Long, String> bad = new HashMap<>();
    int valid = 0;
    long line = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("id,email,plan,bio\r\n");
      line++;
      for (int i = 1; i <= 10_000; i++) {
        if (i == 5000) {
          w.write("u5000,\"multi\nline\",\"pro, \"\"gold\"\"\",é\n");
          line += 2;
          valid++;
          continue;
        }
        if (i % 2500 == 0) {
          w.write(",nobody@example.com,free,\n");
          bad.put(++line, "missing identifier 'id'");
          w.write("u-long" + i + ",x@example.com,free," + "b".repeat(Limits.MAX_ATTRIBUTE_VALUE_BYTES + 1) + "\n");
          bad.put(++line, "attributes.bio");
          w.write("u-short" + i + ",only-two\n");
          bad.put(++line, "the row has 2 fields but the header has 4");
          w.write("u-bad" + i + ",\"quoted\"junk,free,x\n");
          bad.put(++line, "malformed CSV");
        }
        w.write("u" + i + ",u" + i + "@example.com,free,bio " + i + "\n");
        line++;
        valid++;
      }
    }
    Result r = importFile(file, "--no-progress");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals(valid, summaryValue(r.out(), "sent"));
    assertEquals(valid, sim.records().count(RecordedOperation.Action.IDENTIFY));
    Set<String> persons = sim.records().all().stream().map(RecordedOperation::identifierValue).collect(Collectors.toSet());
    assertEquals(valid, persons.size());
    JsonNode multi = JSON.readTree(sim.records().forPerson("u5000").get(0).attributesJson());
    assertEquals("multi\nline", multi.get("email").asText());
    assertEquals("pro, \"gold\"", multi.get("plan").asText());
    assertEquals("é", multi.get("bio").asText());
    Map<Long, String> rejected = rejects(dir.resolve("people.csv.rejects.ndjson"));
    assertEquals(new TreeMap<>(bad).keySet(), rejected.keySet());
    bad.forEach((l, why) -> assertTrue(rejected.get(l).contains(why), l + ": " + rejected.get(l)));
  }

  @Test
  void dryRunSendsNothingAndStillWritesRejects() throws Exception {
    Path file = dir.resolve("events.ndjson");
    Map<Long, String> bad = writeEvents(file, 40_000);
    Result r = run(Map.of(), file.toString(), "--type", "event", "--dry-run", "--no-progress");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals(40_000, summaryValue(r.out(), "valid"));
    assertEquals(0, sim.records().count());
    assertEquals(0, sim.stats().totalRequests());
    assertEquals(bad.keySet(), rejects(dir.resolve("events.ndjson.rejects.ndjson")).keySet());
    assertFalse(Files.exists(dir.resolve("events.ndjson.checkpoint")));
  }

  @Test
  void refusalsNameWhatWasWrong() throws Exception {
    Path missing = dir.resolve("nope.ndjson");
    Result r = importFile(missing);
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("cannot read " + missing + ": no such file"), r.err());

    Path txt = Files.writeString(dir.resolve("data.txt"), "{}\n");
    r = importFile(txt);
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("cannot tell the format of data.txt") && r.err().contains("--format"), r.err());

    Path csv = Files.writeString(dir.resolve("p.csv"), "user,plan\nu1,free\n");
    r = importFile(csv);
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("the CSV header has no 'id' column (columns: user, plan)")
        && r.err().contains("--id-column"), r.err());
    assertEquals(0, importFile(csv, "--id-column", "user", "--no-progress").exit());
    assertEquals(1, sim.records().forPerson("u1").size());

    Path other = Files.writeString(dir.resolve("other.ndjson"), "{\"id\":\"a\"}\n");
    assertEquals(0, importFile(other, "--no-progress").exit());
    Path mine = Files.writeString(dir.resolve("mine.ndjson"), "{\"id\":\"b\"}\n{\"id\":\"c\"}\n");
    r = importFile(mine, "--checkpoint", dir.resolve("other.ndjson.checkpoint").toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("is for another file") && r.err().contains("--restart"), r.err());

    r = run(credentials(), mine.toString(), "--target", sim.baseUrl(), "--rate-limit", "fast");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("relay.rate-limit = 'fast' (flag --rate-limit): must be a number"), r.err());
    r = run(credentials(), mine.toString(), "--target", sim.baseUrl(), "--rate-limit", "0");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--rate-limit"), r.err());

    r = run(Map.of(), mine.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("no credentials: set CIO_SITE_ID and CIO_API_KEY"), r.err());
    r = run(Map.of(), mine.toString(), "--target", sim.baseUrl());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("no credentials"), r.err());

    r = importFile(mine, "--type", "person");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--type must be identify or event but was 'person'"), r.err());

    r = run(Map.of("CIO_SITE_ID", sim.siteId(), "CIO_API_KEY", "wrong"), mine.toString(), "--target", sim.baseUrl(),
        "--no-progress");
    assertEquals(1, r.exit());
    assertTrue(r.out().contains("FAILED: HTTP 401 from POST " + sim.baseUrl() + "/api/v2/batch"), r.out());
    assertFalse(r.out().contains("wrong") || r.err().contains("wrong"), "the API key was printed");
  }

  @Test
  void retriesServerErrorsSplitsAWholeBatch400AndRejectsRowsNamedInA207() throws Exception {
    Path file = dir.resolve("people.ndjson");
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= 40; i++) {
      b.append("{\"id\":\"u").append(i).append("\",\"plan\":\"free\"}\n");
    }
    Files.writeString(file, b);
    sim.faults().enqueue(ScriptedResponse.of(503));
    sim.faults().enqueue(ScriptedResponse.of(429).withHeader("Retry-After", "1"));
    sim.faults().enqueue(ScriptedResponse.of(400).withBody("{\"errors\":[{\"reason\":\"malformed\",\"message\":\"bad\"}]}"));
    Result r = importFile(file, "--batch-size", "40", "--in-flight", "1", "--no-progress");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals(2, summaryValue(r.out(), "retried"), r.out());
    assertEquals(40, summaryValue(r.out(), "sent"), r.out());
    assertEquals(40, sim.records().count());

    sim.reset();
    sim.faults().enqueue(ScriptedResponse.of(207).withBody(
        "{\"errors\":[{\"batch_index\":1,\"reason\":\"invalid\",\"field\":\"identifiers\",\"message\":\"no such person\"}]}"));
    r = importFile(file, "--batch-size", "40", "--no-progress", "--restart");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals(1, summaryValue(r.out(), "rejected"), r.out());
    Map<Long, String> rejected = rejects(dir.resolve("people.ndjson.rejects.ndjson"));
    assertEquals(Set.of(2L), rejected.keySet());
    assertTrue(rejected.get(2L).contains("rejected by Customer.io: HTTP 207: invalid field 'identifiers': no such person"),
        rejected.get(2L));
  }
}
