package io.ciorelay.server.pipelines;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Reads the ISO-8601 dates Segment-spec clients send ({@code 2026-12-01T10:00:00.000Z},
 * {@code 2026-12-01T10:00:00+01:00}, {@code 2026-12-01}); a date without a zone is read as UTC.
 * The accepted shapes are those of Segment's {@code isostring} check. Stateless and thread-safe.
 */
public final class IsoTimestamps {
  private static final Pattern ISO = Pattern.compile(
      "^\\d{4}-\\d{2}-\\d{2}((T\\d{2}:\\d{2}(:\\d{2})?)(\\.\\d{1,9})?(Z|[+-]\\d{2}:?\\d{2})?)?$");

  private IsoTimestamps() {}

  /** Whether {@code s} has an ISO-8601 date shape (it may still be an impossible date). */
  public static boolean looksLikeIso(String s) {
    return s != null && s.length() >= 10 && s.length() <= 40 && ISO.matcher(s).matches();
  }

  /** Epoch milliseconds of an ISO-8601 date, or null when {@code s} is not one. */
  public static Long parseMillis(String s) {
    if (!looksLikeIso(s)) {
      return null;
    }
    try {
      if (s.length() == 10) {
        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      }
      String t = s;
      // +0100 → +01:00, which the ISO parser wants
      if (t.matches(".*[+-]\\d{4}$")) {
        t = t.substring(0, t.length() - 2) + ":" + t.substring(t.length() - 2);
      }
      if (t.endsWith("Z") || t.matches(".*[+-]\\d{2}:\\d{2}$")) {
        return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
      }
      return LocalDateTime.parse(t, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
