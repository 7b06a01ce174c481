package io.ciorelay.server.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ciorelay.client.Limits;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz targets for {@code cio import}'s row parsers: every NDJSON line and CSV row becomes either
 * an operation within the Customer.io limits (encoded as {@code op.toJson()}) or a rejection with
 * a reason for the rejects file — never an exception that would stop the import. Byte 0 of an
 * input picks the import type and identifier column; for CSV the first line is the header.
 */
class ImportRowFuzzTest {
  private static final EventIds IDS = new EventIds(new byte[] {7, 7, 7});
  private static final List<String> ID_COLUMNS = List.of("id", "email", "person", "cio_id");

  private static RecordReader.Record record(long line, byte[] bytes) {
    return new RecordReader.Record(line, 0, bytes.length, bytes, false);
  }

  private static void check(Row row, String what) {
    if (row == null) {
      return; // a blank line, skipped by design
    }
    if (row.ok()) {
      assertEquals(List.of(), Limits.check(row.op()), what);
      assertArrayEquals(row.op().toJson(), row.encoded(), what);
    } else {
      assertFalse(row.reject().isBlank(), "a rejection with a reason: " + what);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void ndjsonRow(byte[] input) {
    if (input.length == 0) {
      return;
    }
    ImportType type = (input[0] & 1) == 0 ? ImportType.IDENTIFY : ImportType.EVENT;
    String idColumn = ID_COLUMNS.get((input[0] >> 1 & 3) % ID_COLUMNS.size());
    byte[] line = Arrays.copyOfRange(input, 1, input.length);
    NdjsonRowParser p = new NdjsonRowParser(type, idColumn, RowParser.idTypeOf(idColumn), IDS);
    check(p.parse(record(2, line)), type + " " + idColumn + " " + new String(line, java.nio.charset.StandardCharsets.UTF_8));
  }

  @FuzzTest(maxDuration = "30s")
  void csvRows(byte[] input) {
    if (input.length == 0) {
      return;
    }
    ImportType type = (input[0] & 1) == 0 ? ImportType.IDENTIFY : ImportType.EVENT;
    String idColumn = ID_COLUMNS.get((input[0] >> 1 & 3) % ID_COLUMNS.size());
    List<byte[]> lines = split(Arrays.copyOfRange(input, 1, input.length));
    CsvRowParser p;
    try {
      p = CsvRowParser.create(record(1, lines.get(0)), type, idColumn, RowParser.idTypeOf(idColumn), IDS);
    } catch (ImportException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a bad header with a reason");
      return;
    }
    for (int i = 1; i < lines.size(); i++) {
      check(p.parse(record(i + 1, lines.get(i))), type + " " + idColumn + " line " + (i + 1));
    }
  }

  private static List<byte[]> split(byte[] b) {
    List<byte[]> out = new java.util.ArrayList<>();
    int from = 0;
    for (int i = 0; i <= b.length; i++) {
      if (i == b.length || b[i] == '\n') {
        out.add(Arrays.copyOfRange(b, from, i));
        from = i + 1;
      }
    }
    return out;
  }
}
