package io.ciorelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Customer.io's documented Track API limits and the checks that enforce them, with Customer.io's
 * error texts. Sizes are UTF-8 bytes. For request sizes "KB" is taken as 1000 bytes (the strict
 * reading): v2 entity requests must be under 32,000 bytes, batch requests under 500,000 bytes, and
 * each batch operation at most 32,000 bytes. Stateless and thread-safe.
 */
final class Limits {
  static final int MAX_ID_BYTES = 150;
  static final int MAX_ATTRIBUTE_NAME_BYTES = 150;
  static final int MAX_ATTRIBUTE_VALUE_BYTES = 1000;
  static final int MAX_ATTRIBUTES = 300;
  static final int MAX_EVENT_NAME_BYTES = 100;
  static final int MAX_EVENT_DATA_BYTES = 100_000;
  /** v2 entity request: must be smaller than this. */
  static final int MAX_ENTITY_REQUEST_BYTES = 32_000;
  /** v2 batch request: must be smaller than this. */
  static final int MAX_BATCH_REQUEST_BYTES = 500_000;
  /** v2 batch operation: at most this. */
  static final int MAX_BATCH_OPERATION_BYTES = 32_000;
  static final int MAX_SEGMENT_IDS = 1000;

  /** Identify keys that steer processing rather than being stored as attributes. */
  static final Set<String> RESERVED_IDENTIFY_KEYS = Set.of("_timestamp", "_update", "cio_relationships");

  private Limits() {}

  /** UTF-8 length of a string without encoding it. */
  static int utf8Length(CharSequence s) {
    int n = 0;
    for (int i = 0, len = s.length(); i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** Serialized JSON size of a node in bytes (strings: their UTF-8 text, without quotes). */
  static long jsonSize(ObjectMapper mapper, JsonNode node) {
    if (node.isTextual()) {
      return utf8Length(node.textValue());
    }
    if (node.isValueNode()) {
      return node.asText().length();
    }
    CountingStream out = new CountingStream();
    try {
      mapper.writeValue(out, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.count;
  }

  /** Checks identify attributes: count, name length, value length. */
  static void checkAttributes(ObjectMapper mapper, JsonNode attributes, String fieldPrefix, Problems problems) {
    int count = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = attributes.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (RESERVED_IDENTIFY_KEYS.contains(name)) {
        continue;
      }
      count++;
      if (utf8Length(name) > MAX_ATTRIBUTE_NAME_BYTES) {
        problems.add("too_long", fieldPrefix + name, "attribute name cannot be longer than 150 bytes");
      }
      JsonNode value = e.getValue();
      boolean maybeLong = !value.isTextual() || value.textValue().length() * 3L > MAX_ATTRIBUTE_VALUE_BYTES;
      if (maybeLong && !value.isNumber() && !value.isBoolean() && !value.isNull()
          && jsonSize(mapper, value) > MAX_ATTRIBUTE_VALUE_BYTES) {
        problems.add("too_long", fieldPrefix + name,
            "value for attribute '" + name + "' cannot be longer than 1000 bytes");
      }
    }
    if (count > MAX_ATTRIBUTES) {
      problems.add("too_many", fieldPrefix.isEmpty() ? "attributes" : fieldPrefix.substring(0, fieldPrefix.length() - 1),
          "cannot identify more than 300 attributes in one request");
    }
  }

  /**
   * Checks an event's name and returns it trimmed (Customer.io trims event names), or null if invalid.
   */
  static String checkEventName(JsonNode name, Problems problems) {
    if (name == null || !name.isTextual() || name.textValue().isBlank()) {
      problems.add("required", "name", "event name must not be blank");
      return null;
    }
    String trimmed = name.textValue().strip();
    if (utf8Length(trimmed) > MAX_EVENT_NAME_BYTES) {
      problems.add("too_long", "name", "event name cannot be longer than 100 bytes");
      return null;
    }
    return trimmed;
  }

  /**
   * Checks event data: must be an object (or absent/null) of at most 100,000 bytes. The size is
   * only measured when the enclosing document is itself large enough to exceed it.
   */
  static void checkEventData(ObjectMapper mapper, JsonNode data, String field, long enclosingBytes,
      Problems problems) {
    if (data == null || data.isNull()) {
      return;
    }
    if (!data.isObject()) {
      problems.add("invalid", field, "event data must be a hash");
      return;
    }
    if (enclosingBytes > MAX_EVENT_DATA_BYTES && jsonSize(mapper, data) > MAX_EVENT_DATA_BYTES) {
      problems.add("too_large", field, "event data cannot be longer than 100000 bytes");
    }
  }

  /** A person id's problems: blank or longer than 150 bytes. */
  static boolean checkPersonId(String id, String field, Problems problems) {
    if (id == null || id.isBlank()) {
      problems.add("required", field, "id attribute cannot be an empty string");
      return false;
    }
    if (utf8Length(id) > MAX_ID_BYTES) {
      problems.add("too_long", field, "id cannot be longer than 150 bytes");
      return false;
    }
    return true;
  }

  private static final class CountingStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
