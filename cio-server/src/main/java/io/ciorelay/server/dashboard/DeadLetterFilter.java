package io.ciorelay.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.delivery.outbox.EntryKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Which dead letters a dashboard list or bulk action covers. Every condition is optional; an empty
 * filter matches everything. Text conditions match case-insensitively as substrings:
 * {@code person} (the person key, e.g. {@code id:42}), {@code reason}, and {@code q} (any of person,
 * event id, event name, reason, operation type). {@code type} is the operation type exactly
 * ({@code identify}, {@code event}, … or {@code anonymous_event}), {@code status} the last HTTP
 * status, {@code from}/{@code to} bound the time it was dead-lettered (inclusive, ISO-8601 instants).
 * Webhook dead letters read their type and status their own way ({@link WebhookDeadLetters}).
 * Immutable and thread-safe.
 */
record DeadLetterFilter(String person, String type, String reason, Integer status, Instant from, Instant to, String q) {
  static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, null, null, null, null, null);
  static final int MAX_TEXT = 200;
  private static final Pattern TYPE = Pattern.compile("[a-z_]{1,40}");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads the filter from named values (query parameters or a JSON object's fields); blank means absent.
   *
   * @throws DashboardException (400) naming the field and what was wrong
   */
  static DeadLetterFilter parse(Function<String, String> values) {
    String type = text(values, "type");
    if (type != null && !TYPE.matcher(type).matches()) {
      throw DashboardException.badRequest("type", "type must be an operation type such as 'event' or 'identify' but was '"
          + type + "'");
    }
    String status = text(values, "status");
    Integer code = null;
    if (status != null) {
      try {
        code = Integer.parseInt(status);
      } catch (NumberFormatException e) {
        code = -1;
      }
      if (code < 0 || code > 599) {
        throw DashboardException.badRequest("status", "status must be an HTTP status in 0..599 but was '" + status + "'");
      }
    }
    Instant from = instant(values, "from");
    Instant to = instant(values, "to");
    if (from != null && to != null && from.isAfter(to)) {
      throw DashboardException.badRequest("from", "from (" + from + ") must not be after to (" + to + ")");
    }
    return new DeadLetterFilter(lower(text(values, "person")), type, lower(text(values, "reason")), code, from, to,
        lower(text(values, "q")));
  }

  private static String text(Function<String, String> values, String name) {
    String v = values.apply(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    v = v.strip();
    if (v.length() > MAX_TEXT) {
      throw DashboardException.badRequest(name, name + " must be at most " + MAX_TEXT + " characters but was " + v.length());
    }
    return v;
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static Instant instant(Function<String, String> values, String name) {
    String v = text(values, name);
    if (v == null) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw DashboardException.badRequest(name, name + " must be an ISO-8601 instant such as 2026-12-01T10:00:00Z but was '"
          + v + "'");
    }
  }

  boolean isEmpty() {
    return equals(ALL);
  }

  boolean matches(DeadLetter d) {
    return matches(d.personKey(), d.eventId(), d.reason(), d.lastStatus(), d.deadAtMillis(), () -> describe(d));
  }

  /**
   * Whether a dead letter with these fields matches; {@code described} (its operation type and
   * name, read from the payload) is asked only when the filter needs it.
   */
  boolean matches(String personKey, String eventId, String why, int lastStatus, long deadAtMillis,
      Supplier<Described> described) {
    if (status != null && lastStatus != status) {
      return false;
    }
    if (from != null && deadAtMillis < from.toEpochMilli()) {
      return false;
    }
    if (to != null && deadAtMillis > to.toEpochMilli()) {
      return false;
    }
    if (person != null && !contains(personKey, person)) {
      return false;
    }
    if (reason != null && !contains(why, reason)) {
      return false;
    }
    if (type == null && q == null) {
      return true;
    }
    Described desc = described.get();
    if (type != null && !type.equals(desc.type())) {
      return false;
    }
    return q == null || contains(personKey, q) || contains(eventId, q) || contains(why, q)
        || contains(desc.name(), q) || contains(desc.type(), q);
  }

  private static boolean contains(String haystack, String lowerNeedle) {
    return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(lowerNeedle);
  }

  /** The operation type and name (event name, page URL) read from the stored payload. */
  record Described(String type, String name, JsonNode payload) {}

  static Described describe(DeadLetter d) {
    JsonNode payload = payload(d.payload());
    if (d.kind() == EntryKind.V1_ANONYMOUS_EVENT) {
      return new Described("anonymous_event", payload.path("name").asText(null), payload);
    }
    return new Described(payload.path("action").asText("unknown"), payload.path("name").asText(null), payload);
  }

  /** The stored bytes as JSON: parsed when they are JSON, else as one text value. */
  static JsonNode payload(byte[] bytes) {
    JsonNode payload;
    try {
      payload = JSON.readTree(bytes);
    } catch (IOException e) {
      payload = JSON.getNodeFactory().textNode(new String(bytes, StandardCharsets.UTF_8));
    }
    return payload == null ? JSON.getNodeFactory().nullNode() : payload;
  }
}
