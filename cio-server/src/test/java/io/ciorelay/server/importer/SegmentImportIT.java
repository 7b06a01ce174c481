package io.ciorelay.server.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.server.pipelines.MessageIds;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.RecordedOperation;
import io.ciorelay.simulator.RecordedOperation.Action;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import io.ciorelay.simulator.CioSimulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code cio import} of Segment-spec NDJSON (one call per line) against a real simulator. */
class SegmentImportIT {
  @RegisterExtension
  static final CioSimulatorExtension SIMULATOR = CioSimulatorExtension.create(b -> b.rateLimit(0));

  @TempDir
  Path dir;
  final CioSimulator sim = SIMULATOR.simulator();

  static final List<String> LINES = List.of(
      "{\"type\":\"identify\",\"messageId\":\"m1\",\"userId\":\"u1\",\"traits\":{\"plan\":\"pro\"},\"timestamp\":\"2026-12-01T10:00:00Z\"}",
      "{\"type\":\"track\",\"messageId\":\"m2\",\"userId\":\"u1\",\"event\":\"purchase\",\"properties\":{\"sku\":\"x\"},\"timestamp\":\"2026-12-01T10:00:01Z\"}",
      "{\"type\":\"page\",\"messageId\":\"m3\",\"userId\":\"u1\",\"name\":\"Pricing\"}",
      "",
      "{\"type\":\"group\",\"messageId\":\"m4\",\"userId\":\"u1\",\"groupId\":\"acme\",\"traits\":{\"name\":\"Acme\"}}",
      "{\"type\":\"track\",\"messageId\":\"m5\",\"userId\":\"u1\"}",
      "{\"type\":\"track\",\"messageId\":\"m6\",\"anonymousId\":\"a1\",\"event\":\"browsed\"}",
      "{\"type\":\"alias\",\"messageId\":\"m7\",\"userId\":\"u1\",\"previousId\":\"old@example.com\"}",
      "{\"type\":\"track\",\"userId\":\"u2\",\"event\":\"no-message-id\"}",
      "not json");

  @Test
  void segmentCallsAreMappedLikeTheRelayMapsThemAndBadLinesGoToTheRejectsFile() throws Exception {
    Path file = dir.resolve("export.ndjson");
    Files.write(file, LINES, StandardCharsets.UTF_8);
    // no --format: the first line is a Segment call, so the format is detected
    ImportIT.Result r = ImportIT.run(Map.of("CIO_SITE_ID", sim.siteId(), "CIO_API_KEY", sim.apiKey()),
        file.toString(), "--target", sim.baseUrl(), "--rate-limit", "100000");
    assertEquals(0, r.exit(), r.err() + r.out()); // rejected rows are reported, not an error exit
    assertTrue(r.err().contains("Segment calls"), r.err());
    assertEquals(6, ImportIT.summaryValue(r.out(), "sent"), r.out());
    assertEquals(3, ImportIT.summaryValue(r.out(), "rejected"), r.out());
    Map<Long, String> rejects = ImportIT.rejects(dir.resolve("export.ndjson.rejects.ndjson"));
    assertTrue(rejects.get(6L).contains("event"), rejects.toString());
    assertTrue(rejects.get(7L).contains("only anonymousId"), rejects.toString());
    assertTrue(rejects.get(10L).contains("malformed JSON"), rejects.toString());
    List<RecordedOperation> u1 = sim.records().forPerson("u1");
    assertEquals(List.of(Action.IDENTIFY, Action.EVENT, Action.PAGE, Action.MERGE),
        u1.stream().map(RecordedOperation::action).toList());
    assertEquals(MessageIds.ulid("m2", 1796119201000L), u1.get(1).eventId(), "the same id the relay would derive");
    assertEquals(1, sim.records().where(o -> o.type() == RecordedOperation.Type.OBJECT).size());
    assertTrue(sim.records().forPerson("u2").get(0).eventId() != null, "an event without messageId gets a per-line id");
  }

  @Test
  void theFormatCanBeNamedAndUnknownFormatsAreRefused() throws Exception {
    Path file = dir.resolve("calls.jsonl");
    Files.write(file, List.of("{\"type\":\"identify\",\"userId\":\"u3\"}"), StandardCharsets.UTF_8);
    Map<String, String> env = Map.of("CIO_SITE_ID", sim.siteId(), "CIO_API_KEY", sim.apiKey());
    ImportIT.Result r = ImportIT.run(env, file.toString(), "--target", sim.baseUrl(), "--format", "segment");
    assertEquals(0, r.exit(), r.err() + r.out());
    assertEquals(1, sim.records().forPerson("u3").size());
    ImportIT.Result bad = ImportIT.run(env, file.toString(), "--target", sim.baseUrl(), "--format", "segmentio");
    assertTrue(bad.exit() != 0);
    assertTrue(bad.err().contains("--format must be ndjson, csv or segment but was 'segmentio'"), bad.err());
  }
}
