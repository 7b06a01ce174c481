package io.ciorelay.server.relay;

import io.ciorelay.client.Region;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text of a setting to the type its builder setter takes. Each parser checks only the form (a
 * number, a duration, one of some names); the range is the setter's rule. A refusal states the
 * form expected; the loader adds the key, the value and where it came from. Stateless and
 * thread-safe.
 */
final class ConfigValues {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private ConfigValues() {}

  static int integer(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a whole number");
    }
  }

  static long longValue(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a whole number");
    }
  }

  static double number(String s) {
    try {
      double d = Double.parseDouble(s);
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a number");
    }
  }

  /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 7d}, or ISO-8601 ({@code PT10S}). */
  static Duration duration(String s) {
    Matcher m = DURATION.matcher(s.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("must be a duration like 500ms, 10s, 2m or 1h");
    }
  }

  static URI uri(String s) {
    try {
      return URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("must be a URL like https://track.customer.io");
    }
  }

  static Region region(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "us" -> Region.US;
      case "eu" -> Region.EU;
      default -> throw new IllegalArgumentException("must be us or eu");
    };
  }

  /** A constant of the enum by name, case-insensitive. */
  static <E extends Enum<E>> E named(Class<E> type, String s) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(s)) {
        return e;
      }
    }
    StringBuilder names = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      names.append(names.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
    }
    throw new IllegalArgumentException("must be one of " + names);
  }
}
