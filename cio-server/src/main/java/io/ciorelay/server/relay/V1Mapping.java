package io.ciorelay.server.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.ciorelay.client.Device;
import io.ciorelay.client.Event;
import io.ciorelay.client.EventType;
import io.ciorelay.client.IdentifierType;
import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.client.ValidationException;
import io.ciorelay.client.Violation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps Track API v1 requests (path identifier and JSON body) to the library's operations, as
 * Customer.io reads them: the path identifier's type is inferred from its value ({@code cio_…} is a
 * cio_id, a value containing {@code @} an email, anything else an id); event {@code id} and
 * {@code timestamp} are kept (the id is the de-duplication key); a device's v1 {@code id} becomes
 * the v2 {@code token}. Pure functions; problems are thrown as {@link ValidationException} naming
 * the field. Stateless and thread-safe.
 */
final class V1Mapping {
  private V1Mapping() {}

  /** An anonymous event and its anonymous id. */
  record Anonymous(String anonymousId, Event event) {}

  static Identifiers pathIdentifier(String raw) {
    if (raw == null || raw.isBlank()) {
      throw invalid("identifier", "identifier: the customer identifier in the path must not be blank");
    }
    if (raw.startsWith("cio_") && raw.length() > 4) {
      return Identifiers.cioId(raw.substring(4));
    }
    return raw.contains("@") ? Identifiers.email(raw) : Identifiers.id(raw);
  }

  /** PUT customers/{id}: the identify, plus a relationships operation if {@code cio_relationships} is given. */
  static List<Operation> identify(String pathId, JsonNode body) {
    Identifiers ids = pathIdentifier(pathId);
    requireObject(body, "body");
    Map<String, Object> attributes = new LinkedHashMap<>();
    Long timestamp = null;
    JsonNode relationships = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      switch (e.getKey()) {
        case "_timestamp" -> timestamp = seconds(e.getValue(), "_timestamp");
        case "cio_relationships" -> relationships = e.getValue();
        default -> attributes.put(e.getKey(), JsonBodies.MAPPER.convertValue(e.getValue(), Object.class));
      }
    }
    Operation identify = Operation.identify(ids, attributes);
    if (timestamp != null) {
      identify = identify.withTimestamp(timestamp);
    }
    List<Operation> ops = new ArrayList<>(List.of(identify));
    if (relationships != null && !relationships.isNull()) {
      ops.add(relationships(ids, relationships));
    }
    return ops;
  }

  @SuppressWarnings("unchecked")
  private static Operation relationships(Identifiers ids, JsonNode n) {
    requireObject(n, "cio_relationships");
    String action = n.path("action").asText("add_relationships");
    JsonNode list = n.get("relationships");
    if (list == null || !list.isArray()) {
      throw invalid("cio_relationships.relationships", "cio_relationships.relationships must be an array");
    }
    List<Map<String, Object>> rel = new ArrayList<>();
    for (JsonNode r : list) {
      requireObject(r, "cio_relationships.relationships[]");
      rel.add(JsonBodies.MAPPER.convertValue(r, LinkedHashMap.class));
    }
    return switch (action) {
      case "add_relationships" -> Operation.addRelationships(ids, rel);
      case "delete_relationships" -> Operation.deleteRelationships(ids, rel);
      default -> throw invalid("cio_relationships.action",
          "cio_relationships.action must be add_relationships or delete_relationships but was '" + action + "'");
    };
  }

  /** POST customers/{id}/events: an event, page or screen. */
  static Operation event(String pathId, JsonNode body) {
    Identifiers ids = pathIdentifier(pathId);
    Event e = eventBody(body);
    Operation op = switch (e.type()) {
      case PAGE -> Operation.page(ids, e.name(), e.data());
      case SCREEN -> Operation.screen(ids, e.name(), e.data());
      default -> Operation.event(ids, e.name(), e.data());
    };
    if (e.id() != null) {
      op = op.withId(e.id());
    }
    if (e.timestamp() != null) {
      op = op.withTimestamp(e.timestamp());
    }
    return op;
  }

  /** POST /api/v1/events. */
  static Anonymous anonymous(JsonNode body) {
    requireObject(body, "body");
    JsonNode a = body.get("anonymous_id");
    if (a == null || a.isNull() || !a.isTextual() || a.textValue().isBlank()) {
      throw invalid("anonymous_id", "anonymous_id is required and must be a non-blank string");
    }
    return new Anonymous(a.textValue(), eventBody(body));
  }

  static Event eventBody(JsonNode body) {
    requireObject(body, "body");
    JsonNode nameNode = body.get("name");
    if (nameNode == null || nameNode.isNull() || !nameNode.isTextual() || nameNode.textValue().isBlank()) {
      throw invalid("name", "name is required and must be a non-blank string");
    }
    EventType type = EventType.EVENT;
    JsonNode t = body.get("type");
    if (t != null && !t.isNull()) {
      type = switch (t.asText()) {
        case "event" -> EventType.EVENT;
        case "page" -> EventType.PAGE;
        case "screen" -> EventType.SCREEN;
        default -> throw invalid("type", "type must be event, page or screen but was '" + t.asText() + "'");
      };
    }
    Map<String, Object> data = object(body.get("data"), "data");
    String id = null;
    JsonNode idNode = body.get("id");
    if (idNode != null && !idNode.isNull()) {
      if (!idNode.isTextual() || idNode.textValue().isBlank()) {
        throw invalid("id", "id must be a non-blank string (a ULID) but was " + idNode);
      }
      id = idNode.textValue();
    }
    JsonNode ts = body.get("timestamp");
    Long timestamp = ts == null || ts.isNull() ? null : seconds(ts, "timestamp");
    return Event.builder(nameNode.textValue().strip()).type(type).data(data).id(id).timestamp(timestamp).build();
  }

  /** PUT customers/{id}/devices: {@code {"device":{"id":token,"platform":…,"last_used":…,"attributes":{…}}}}. */
  static Operation addDevice(String pathId, JsonNode body) {
    Identifiers ids = pathIdentifier(pathId);
    requireObject(body, "body");
    JsonNode d = body.get("device");
    if (d == null || !d.isObject()) {
      throw invalid("device", "device is required and must be an object");
    }
    JsonNode token = d.hasNonNull("id") ? d.get("id") : d.get("token");
    if (token == null || !token.isTextual() || token.textValue().isBlank()) {
      throw invalid("device.id", "device.id (the push token) is required and must be a non-blank string");
    }
    JsonNode platform = d.get("platform");
    if (platform == null || !platform.isTextual() || platform.textValue().isBlank()) {
      throw invalid("device.platform", "device.platform is required (ios or android)");
    }
    JsonNode lastUsed = d.get("last_used");
    Map<String, Object> attributes = new LinkedHashMap<>(object(d.get("attributes"), "device.attributes"));
    Device device = Device.builder(token.textValue(), platform.textValue())
        .lastUsed(lastUsed == null || lastUsed.isNull() ? null : seconds(lastUsed, "device.last_used"))
        .attributes(attributes)
        .build();
    return Operation.addDevice(ids, device);
  }

  static Operation deleteDevice(String pathId, String token) {
    if (token == null || token.isBlank()) {
      throw invalid("device_id", "device_id in the path must not be blank");
    }
    return Operation.deleteDevice(pathIdentifier(pathId), token);
  }

  /** POST /api/v1/merge_customers: {@code {"primary":{type:value},"secondary":{type:value}}}. */
  static Operation merge(JsonNode body) {
    requireObject(body, "body");
    return Operation.merge(mergeSide(body, "primary"), mergeSide(body, "secondary"));
  }

  private static Identifiers mergeSide(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || !n.isObject() || n.size() != 1) {
      throw invalid(field, field + " must be an object with exactly one of id, email, cio_id");
    }
    Map.Entry<String, JsonNode> e = n.fields().next();
    IdentifierType t = switch (e.getKey()) {
      case "id" -> IdentifierType.ID;
      case "email" -> IdentifierType.EMAIL;
      case "cio_id" -> IdentifierType.CIO_ID;
      default -> null;
    };
    if (t == null) {
      throw invalid(field + "." + e.getKey(), "unknown identifier '" + e.getKey() + "'; expected one of id, email, cio_id");
    }
    if (!e.getValue().isTextual()) {
      throw invalid(field + "." + e.getKey(), field + "." + e.getKey() + " must be a string");
    }
    return Identifiers.of(t, e.getValue().textValue());
  }

  static Operation delete(String pathId) {
    return Operation.delete(pathIdentifier(pathId));
  }

  static Operation suppress(String pathId) {
    return Operation.suppress(pathIdentifier(pathId));
  }

  static Operation unsuppress(String pathId) {
    return Operation.unsuppress(pathIdentifier(pathId));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(JsonNode n, String field) {
    if (n == null || n.isNull()) {
      return Map.of();
    }
    if (!n.isObject()) {
      throw invalid(field, field + " must be an object but was " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    return JsonBodies.MAPPER.convertValue(n, LinkedHashMap.class);
  }

  private static long seconds(JsonNode n, String field) {
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw invalid(field, field + " must be an integer (unix seconds) but was " + n);
    }
    return n.longValue();
  }

  private static void requireObject(JsonNode n, String field) {
    if (n == null || !n.isObject()) {
      throw invalid(field, field + " must be a JSON object");
    }
  }

  private static ValidationException invalid(String field, String message) {
    return new ValidationException(new Violation(field, message, -1, -1));
  }
}
