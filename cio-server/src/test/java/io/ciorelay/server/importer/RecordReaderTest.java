package io.ciorelay.server.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordReaderTest {
  @TempDir
  Path dir;

  static List<RecordReader.Record> all(String text, boolean csv, int max) throws IOException {
    List<RecordReader.Record> out = new ArrayList<>();
    try (RecordReader r = RecordReader.of(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), csv, max)) {
      RecordReader.Record rec;
      while ((rec = r.next()) != null) {
        out.add(rec);
      }
    }
    return out;
  }

  static String text(RecordReader.Record r) {
    return new String(r.bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void ndjsonLinesWithMultiByteCharactersHaveExactByteOffsetsAndLineNumbers() throws IOException {
    String s = "{\"a\":\"é€😀\"}\r\n\n{\"b\":1}";
    List<RecordReader.Record> recs = all(s, false, 1000);
    assertEquals(3, recs.size());
    assertEquals("{\"a\":\"é€😀\"}", text(recs.get(0)));
    assertEquals(0, recs.get(0).start());
    long firstEnd = "{\"a\":\"é€😀\"}\r\n".getBytes(StandardCharsets.UTF_8).length;
    assertEquals(firstEnd, recs.get(0).end());
    assertEquals(2, recs.get(1).line());
    assertEquals(0, recs.get(1).bytes().length);
    assertEquals(3, recs.get(2).line());
    assertEquals(firstEnd + 1, recs.get(2).start());
    assertEquals(s.getBytes(StandardCharsets.UTF_8).length, recs.get(2).end());
  }

  @Test
  void csvRecordsSpanLinesInsideQuotesAndStartAtTheirFirstLine() throws IOException {
    String s = "id,note\nu1,\"two\nlines, \"\"quoted\"\"\"\nu2,a\"b\nu3,x\n";
    List<RecordReader.Record> recs = all(s, true, 1000);
    assertEquals(List.of("id,note", "u1,\"two\nlines, \"\"quoted\"\"\"", "u2,a\"b", "u3,x"),
        recs.stream().map(RecordReaderTest::text).toList());
    assertEquals(List.of(1L, 2L, 4L, 5L), recs.stream().map(RecordReader.Record::line).toList());
  }

  @Test
  void anOversizeRecordIsSkippedToTheNextLineWithoutBufferingIt() throws IOException {
    String s = "short\n" + "x".repeat(50) + "\nafter\n";
    List<RecordReader.Record> recs = all(s, false, 10);
    assertEquals(3, recs.size());
    assertTrue(recs.get(1).oversize());
    assertEquals(0, recs.get(1).bytes().length);
    assertEquals("after", text(recs.get(2)));
    assertEquals(3, recs.get(2).line());

    List<RecordReader.Record> csv = all("a,\"unterminated\nb\nc\nd\n", true, 8);
    assertTrue(csv.get(0).oversize());
    assertFalse(csv.get(csv.size() - 1).oversize());
    assertEquals("d", text(csv.get(csv.size() - 1)));
  }

  @Test
  void opensAtACheckpointedOffsetAndReadsOnFromThere() throws IOException {
    Path f = Files.writeString(dir.resolve("f.ndjson"), "{\"é\":1}\n{\"b\":2}\n{\"c\":3}\n");
    long offset;
    try (RecordReader r = RecordReader.open(f, false, 1000, 0, 1)) {
      r.next();
      offset = r.offset();
      assertEquals(2, r.line());
    }
    try (RecordReader r = RecordReader.open(f, false, 1000, offset, 2)) {
      RecordReader.Record rec = r.next();
      assertArrayEquals("{\"b\":2}".getBytes(StandardCharsets.UTF_8), rec.bytes());
      assertEquals(2, rec.line());
      assertEquals(3, r.next().line());
      assertNull(r.next());
    }
  }
}
