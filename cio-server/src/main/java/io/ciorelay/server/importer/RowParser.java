package io.ciorelay.server.importer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.client.IdentifierType;
import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Limits;
import io.ciorelay.client.Operation;
import io.ciorelay.client.ValidationException;
import io.ciorelay.client.Violation;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns one input record into a {@link Row}: an operation checked against the Customer.io limits
 * ({@link Limits#check(Operation, byte[])}), or the reason it cannot be sent. Implementations are
 * not thread-safe; one per import.
 */
abstract class RowParser {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** Unix seconds at or beyond this (year 5138) are taken for milliseconds by mistake. */
  static final long MAX_SECONDS = 100_000_000_000L;

  final ImportType type;
  final String idColumn;
  final IdentifierType idType;
  final EventIds eventIds;

  RowParser(ImportType type, String idColumn, IdentifierType idType, EventIds eventIds) {
    this.type = type;
    this.idColumn = idColumn;
    this.idType = idType;
    this.eventIds = eventIds;
  }

  /** The row, or null for a blank line (skipped, not counted). */
  abstract Row parse(RecordReader.Record record);

  /** A bad row: thrown while parsing, turned into a rejected {@link Row}. */
  static final class BadRow extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRow(String reason) {
      super(reason, null, false, false);
    }
  }

  /** The identifier type a column name implies: {@code email}, {@code cio_id}, otherwise {@code id}. */
  static IdentifierType idTypeOf(String column) {
    return switch (column.toLowerCase(Locale.ROOT)) {
      case "email" -> IdentifierType.EMAIL;
      case "cio_id" -> IdentifierType.CIO_ID;
      default -> IdentifierType.ID;
    };
  }

  Identifiers identifiers(String value) {
    if (value == null) {
      throw new BadRow("missing identifier '" + idColumn + "'");
    }
    if (value.isBlank()) {
      throw new BadRow("identifier '" + idColumn + "' is empty");
    }
    return Identifiers.of(idType, value);
  }

  /** Unix seconds from a whole number or an ISO-8601 time; null when absent. */
  static Long timestamp(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (text.chars().allMatch(Character::isDigit)) {
      try {
        return seconds(Long.parseLong(text));
      } catch (NumberFormatException e) {
        throw badTimestamp(text);
      }
    }
    try {
      return seconds(Instant.parse(text).getEpochSecond());
    } catch (DateTimeException e) {
      try {
        return seconds(OffsetDateTime.parse(text).toEpochSecond());
      } catch (DateTimeException e2) {
        throw badTimestamp(text);
      }
    }
  }

  static long seconds(long s) {
    if (s < 0) {
      throw new BadRow("timestamp must be at least 0 but was " + s);
    }
    if (s >= MAX_SECONDS) {
      throw new BadRow("timestamp " + s + " looks like milliseconds; give unix seconds");
    }
    return s;
  }

  static BadRow badTimestamp(String text) {
    return new BadRow("timestamp must be unix seconds or an ISO-8601 time like 2024-05-01T12:00:00Z but was '"
        + abbreviate(text) + "'");
  }

  Operation identify(Identifiers ids, Map<String, ?> attributes) {
    return Operation.identify(ids, attributes);
  }

  Operation event(Identifiers ids, String name, Long timestamp, String id, Map<String, ?> data, long line) {
    if (name == null || name.isBlank()) {
      throw new BadRow("missing event name 'name'");
    }
    Operation op = Operation.event(ids, name, data);
    if (timestamp != null) {
      op = op.withTimestamp(timestamp);
    }
    return op.withId(id != null ? id : eventIds.idFor(line, timestamp));
  }

  /** Encodes and checks the operation against the limits. */
  static Row finish(long line, byte[] raw, Operation op) {
    byte[] encoded;
    try {
      encoded = op.toJson();
    } catch (ValidationException e) {
      return Row.rejected(line, raw, describe(e.violations()));
    }
    List<Violation> problems = Limits.check(op, encoded);
    if (!problems.isEmpty()) {
      return Row.rejected(line, raw, describe(problems));
    }
    return new Row(line, raw, op, encoded, null);
  }

  static String describe(List<Violation> violations) {
    return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  static String kind(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "missing";
    }
    if (n.isTextual()) {
      return "a string";
    }
    if (n.isNumber()) {
      return "a number";
    }
    if (n.isBoolean()) {
      return "a boolean";
    }
    if (n.isNull()) {
      return "null";
    }
    return n.isArray() ? "an array" : "an object";
  }
}
