package io.ciorelay.server.importer;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.ciorelay.client.IdentifierType;
import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * NDJSON rows: one JSON object per line. An identify row is flat — the identifier field
 * ({@code --id-column}, default {@code id}) and attributes, which keep their JSON types. An event
 * row has the person's identifier ({@code --id-column}, default {@code person}), {@code name}, and
 * optionally {@code timestamp} (unix seconds or ISO-8601), {@code data} (an object) and {@code id};
 * other fields are refused rather than silently dropped. Not thread-safe.
 */
final class NdjsonRowParser extends RowParser {
  private static final Set<String> EVENT_FIELDS = Set.of("name", "timestamp", "data", "id");

  NdjsonRowParser(ImportType type, String idColumn, IdentifierType idType, EventIds eventIds) {
    super(type, idColumn, idType, eventIds);
  }

  @Override
  Row parse(RecordReader.Record r) {
    byte[] bytes = r.bytes();
    int from = r.start() == 0 && startsWithBom(bytes) ? 3 : 0;
    if (isBlank(bytes, from)) {
      return null;
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes, from, bytes.length - from);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      return Row.rejected(r.line(), bytes, "malformed JSON: " + e.getOriginalMessage()
          + (at == null ? "" : " (column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      return Row.rejected(r.line(), bytes, "malformed JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      return Row.rejected(r.line(), bytes, "the line is not a JSON object but " + kind(root));
    }
    try {
      Operation op = type == ImportType.IDENTIFY ? identifyRow(root) : eventRow(root, r.line());
      return finish(r.line(), bytes, op);
    } catch (BadRow e) {
      return Row.rejected(r.line(), bytes, e.getMessage());
    }
  }

  private Operation identifyRow(JsonNode root) {
    Identifiers ids = identifiers(idText(root.get(idColumn)));
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> f : root.properties()) {
      if (!f.getKey().equals(idColumn)) {
        attributes.put(f.getKey(), value(f.getValue()));
      }
    }
    return identify(ids, attributes);
  }

  private Operation eventRow(JsonNode root, long line) {
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals(idColumn) && !EVENT_FIELDS.contains(f)) {
        throw new BadRow("unknown field '" + abbreviate(f) + "' (event rows have " + idColumn
            + ", name, timestamp, data, id; put event data under data)");
      }
    }
    Identifiers ids = identifiers(idText(root.get(idColumn)));
    JsonNode name = root.get("name");
    if (name != null && !name.isNull() && !name.isTextual()) {
      throw new BadRow("event name 'name' must be a string but was " + kind(name));
    }
    JsonNode ts = root.get("timestamp");
    Long timestamp;
    if (ts == null || ts.isNull()) {
      timestamp = null;
    } else if (ts.isIntegralNumber() && ts.canConvertToLong()) {
      timestamp = seconds(ts.longValue());
    } else if (ts.isTextual()) {
      timestamp = timestamp(ts.textValue());
    } else {
      throw badTimestamp(ts.toString());
    }
    JsonNode data = root.get("data");
    Map<String, Object> attributes = null;
    if (data != null && !data.isNull()) {
      if (!data.isObject()) {
        throw new BadRow("event data 'data' must be a JSON object but was " + kind(data));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = MAPPER.convertValue(data, Map.class);
      attributes = m;
    }
    JsonNode id = root.get("id");
    String eventId = null;
    if (id != null && !id.isNull()) {
      if (!id.isTextual() || id.textValue().isBlank()) {
        throw new BadRow("event 'id' must be a non-empty string but was " + (id.isTextual() ? "empty" : kind(id)));
      }
      eventId = id.textValue();
    }
    return event(ids, name == null || name.isNull() ? null : name.textValue(), timestamp, eventId, attributes, line);
  }

  private String idText(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isIntegralNumber()) {
      return n.asText();
    }
    throw new BadRow("identifier '" + idColumn + "' must be a string but was " + kind(n));
  }

  private static Object value(JsonNode n) {
    if (n.isTextual()) {
      return n.textValue();
    }
    return MAPPER.convertValue(n, Object.class);
  }

  static boolean startsWithBom(byte[] b) {
    return b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF;
  }

  private static boolean isBlank(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
        return false;
      }
    }
    return true;
  }
}
