package io.ciorelay.server.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * What the receiver needs from a reporting webhook body: its {@code event_id} and the person key
 * that orders it ({@code data.customer_id}, else {@code data.identifiers.id}, else the event id).
 * Parsing never throws for bad input; it returns a rejection reason. Thread-safe.
 */
final class WebhookPayload {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The parsed fields, or a rejection reason (then the fields are null). */
  record Parsed(String eventId, String personKey, String rejection) {
    boolean ok() {
      return rejection == null;
    }
  }

  private WebhookPayload() {}

  static Parsed parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return new Parsed(null, null, "malformed_json");
    } catch (IOException e) {
      return new Parsed(null, null, "malformed_json");
    }
    if (root == null || !root.isObject()) {
      return new Parsed(null, null, "malformed_json");
    }
    String eventId = text(root.get("event_id"));
    if (eventId == null) {
      return new Parsed(null, null, "missing_event_id");
    }
    JsonNode data = root.get("data");
    String person = null;
    if (data != null && data.isObject()) {
      person = text(data.get("customer_id"));
      if (person == null && data.get("identifiers") != null) {
        person = text(data.get("identifiers").get("id"));
      }
    }
    return new Parsed(eventId, person != null ? person : eventId, null);
  }

  /** A non-blank string or number as text, else null. */
  private static String text(JsonNode node) {
    if (node == null || !(node.isTextual() || node.isIntegralNumber())) {
      return null;
    }
    String s = node.asText();
    return s.isBlank() || s.length() > 512 ? null : s;
  }
}
