package io.ciorelay.server.importer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.ciorelay.client.IdentifierType;
import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV rows (RFC 4180: comma-separated, {@code "}-quoted, quoted fields may hold commas, quotes as
 * {@code ""} and line breaks), after a header row naming the columns. Identify: the identifier
 * column ({@code --id-column}, default {@code id}) and attributes, all sent as strings; empty cells
 * are left out (so they do not blank existing attributes). Events: the person column
 * ({@code --id-column}, default {@code person}), {@code name}, and optional {@code timestamp},
 * {@code data} (a JSON object) and {@code id}; any other column is refused at the header. Fields
 * are parsed by commons-csv, one record at a time. Not thread-safe.
 */
final class CsvRowParser extends RowParser {
  private static final CSVFormat FORMAT = CSVFormat.RFC4180;
  private static final Set<String> EVENT_COLUMNS = Set.of("name", "timestamp", "data", "id");

  private final List<String> columns;
  private final int idIndex;

  private CsvRowParser(ImportType type, String idColumn, IdentifierType idType, EventIds eventIds,
      List<String> columns) {
    super(type, idColumn, idType, eventIds);
    this.columns = columns;
    this.idIndex = columns.indexOf(idColumn);
  }

  /**
   * Reads the header record and checks it.
   *
   * @throws ImportException if the header is empty or malformed, repeats a column, lacks the
   *     identifier column, or (events) lacks {@code name} or has a column events do not take
   */
  static CsvRowParser create(RecordReader.Record header, ImportType type, String idColumn, IdentifierType idType,
      EventIds eventIds) {
    if (header == null || header.oversize()) {
      throw new ImportException(header == null ? "the CSV file is empty: its first row must name the columns"
          : "the CSV header row is too long");
    }
    byte[] bytes = header.bytes();
    int from = NdjsonRowParser.startsWithBom(bytes) ? 3 : 0;
    List<String> columns;
    try {
      columns = fields(decode(bytes, from));
    } catch (BadRow e) {
      throw new ImportException("cannot read the CSV header row: " + e.getMessage());
    }
    if (columns.isEmpty() || columns.size() == 1 && columns.get(0).isBlank()) {
      throw new ImportException("the CSV file's first row is blank: it must name the columns");
    }
    List<String> trimmed = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String c : columns) {
      String t = c.strip();
      if (t.isEmpty()) {
        throw new ImportException("the CSV header has an empty column name (column " + (trimmed.size() + 1) + ")");
      }
      if (!seen.add(t)) {
        throw new ImportException("the CSV header names column '" + t + "' twice");
      }
      trimmed.add(t);
    }
    if (!trimmed.contains(idColumn)) {
      throw new ImportException("the CSV header has no '" + idColumn + "' column (columns: " + String.join(", ", trimmed)
          + "); name the " + (type == ImportType.EVENT ? "person" : "identifier") + " column with --id-column");
    }
    if (type == ImportType.EVENT) {
      if (!trimmed.contains("name")) {
        throw new ImportException("the CSV header has no 'name' column, which events need (columns: "
            + String.join(", ", trimmed) + ")");
      }
      for (String c : trimmed) {
        if (!c.equals(idColumn) && !EVENT_COLUMNS.contains(c)) {
          throw new ImportException("the CSV header has column '" + c + "', which events do not take (event columns: "
              + idColumn + ", name, timestamp, data, id; put event data in the data column as a JSON object)");
        }
      }
    }
    return new CsvRowParser(type, idColumn, idType, eventIds, List.copyOf(trimmed));
  }

  List<String> columns() {
    return columns;
  }

  @Override
  Row parse(RecordReader.Record r) {
    byte[] bytes = r.bytes();
    if (bytes.length == 0) {
      return null;
    }
    try {
      List<String> values = fields(decode(bytes, 0));
      if (values.size() != columns.size()) {
        throw new BadRow("the row has " + values.size() + " field" + (values.size() == 1 ? "" : "s")
            + " but the header has " + columns.size());
      }
      Operation op = type == ImportType.IDENTIFY ? identifyRow(values) : eventRow(values, r.line());
      return finish(r.line(), bytes, op);
    } catch (BadRow e) {
      return Row.rejected(r.line(), bytes, e.getMessage());
    }
  }

  private Operation identifyRow(List<String> values) {
    Identifiers ids = identifiers(emptyToNull(values.get(idIndex)));
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (int i = 0; i < values.size(); i++) {
      if (i != idIndex && !values.get(i).isEmpty()) {
        attributes.put(columns.get(i), values.get(i));
      }
    }
    return identify(ids, attributes);
  }

  private Operation eventRow(List<String> values, long line) {
    Identifiers ids = identifiers(emptyToNull(values.get(idIndex)));
    String name = value(values, "name");
    Long timestamp = timestamp(value(values, "timestamp"));
    String data = value(values, "data");
    Map<String, Object> attributes = null;
    if (data != null) {
      JsonNode node;
      try {
        node = MAPPER.readTree(data);
      } catch (JsonProcessingException e) {
        throw new BadRow("event data 'data' is not valid JSON: " + e.getOriginalMessage());
      }
      if (node == null || !node.isObject()) {
        throw new BadRow("event data 'data' must be a JSON object but was " + kind(node));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = MAPPER.convertValue(node, Map.class);
      attributes = m;
    }
    return event(ids, name, timestamp, value(values, "id"), attributes, line);
  }

  private String value(List<String> values, String column) {
    int i = columns.indexOf(column);
    return i < 0 ? null : emptyToNull(values.get(i));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String decode(byte[] bytes, int from) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, from, bytes.length - from))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadRow("the row is not valid UTF-8");
    }
  }

  private static List<String> fields(String text) {
    try (CSVParser p = CSVParser.parse(new StringReader(text), FORMAT)) {
      Iterator<CSVRecord> it = p.iterator();
      if (!it.hasNext()) {
        return List.of();
      }
      CSVRecord rec = it.next();
      if (it.hasNext()) {
        throw new BadRow("malformed CSV: the record ends early (stray quote?)");
      }
      return rec.toList();
    } catch (UncheckedIOException e) {
      throw new BadRow("malformed CSV: " + where(e.getCause().getMessage()));
    } catch (IOException | IllegalStateException e) {
      throw new BadRow("malformed CSV: " + where(e.getMessage()));
    }
  }

  /** commons-csv counts lines within the one record it was given; say where in the row instead. */
  private static String where(String message) {
    return message == null ? "unreadable record"
        : message.replaceAll(" at line: \\d+, position: (\\d+)", " at character $1 of the row");
  }
}
