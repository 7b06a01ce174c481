package io.ciorelay.simulator;

import static io.ciorelay.simulator.RecordedOperation.Action;
import static io.ciorelay.simulator.RecordedOperation.Type;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Track API v2 endpoints, {@code /api/v2/entity} and {@code /api/v2/batch}.
 *
 * <p>Answers: 200 {@code {}} when every operation is accepted; for a batch with invalid
 * operations, 207 {@code {"errors":[{"batch_index","reason","field","message"}]}} while the valid
 * ones are accepted; 400 {@code {"errors":[{"reason","field","message"}]}} when the whole request is
 * malformed, too large, or (for entity) its one operation is invalid. Over-size requests get 400
 * with reason {@code too_large} (Customer.io documents 400 for requests it cannot take, not 413).
 *
 * <p>Parsing: requests are read once with Jackson's streaming parser ({@link ParsedOperation}):
 * each operation's exact byte size comes from the parser's offsets, attributes are checked as they
 * stream past and kept as the bytes that were sent, and only small fields become trees. Attribute
 * value sizes of objects and arrays are measured as sent. Stateless and thread-safe.
 */
final class TrackV2 {
  private final Faults faults;

  TrackV2(Faults faults, Records records, java.time.Clock clock) {
    this.faults = faults;
    this.records = records;
    this.clock = clock;
  }

  private final Records records;
  private final java.time.Clock clock;

  /** {@code POST /api/v2/entity}. */
  Endpoint.Result entity(Context ctx, byte[] body) {
    if (body.length >= Limits.MAX_ENTITY_REQUEST_BYTES) {
      throw new Rejection(400, Responses.v2Error("too_large", "",
          "request must be smaller than 32000 bytes but was " + body.length), 1);
    }
    ParsedOperation op;
    try (JsonParser p = Responses.MAPPER.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw Endpoint.malformed(true, body.length == 0 ? "request body must be a JSON object but was empty"
            : "request body must be a JSON object");
      }
      op = ParsedOperation.read(p, body);
      if (p.nextToken() != null) {
        throw Endpoint.malformed(true, "request body is not valid JSON");
      }
    } catch (JacksonException e) {
      throw Endpoint.malformed(true, "request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw Endpoint.malformed(true, "request body could not be read");
    }
    Problems problems = new Problems();
    RecordedOperation.Builder b = operation(op, problems);
    if (problems.isEmpty() && faults.poisoned(b.attributesJson)) {
      records.refuse(b, clock.millis());
      problems.add("invalid", "attributes." + faults.poisonAttribute(),
          "attribute '" + faults.poisonAttribute() + "' is not allowed (poisoned by a test fault)");
    }
    if (!problems.isEmpty()) {
      List<Responses.IndexedProblem> list = new ArrayList<>();
      for (Problems.Problem p : problems.list()) {
        list.add(new Responses.IndexedProblem(-1, p));
      }
      throw new Rejection(400, Responses.v2Errors(list), 1);
    }
    return Endpoint.Result.ok(b);
  }

  /** {@code POST /api/v2/batch}. */
  Endpoint.Result batch(Context ctx, byte[] body) {
    if (body.length >= Limits.MAX_BATCH_REQUEST_BYTES) {
      throw new Rejection(400, Responses.v2Error("too_large", "",
          "request must be smaller than 500000 bytes but was " + body.length), 1);
    }
    List<RecordedOperation.Builder> accepted = new ArrayList<>();
    List<Responses.IndexedProblem> errors = new ArrayList<>();
    boolean sawBatch = false;
    try (JsonParser p = Responses.MAPPER.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw Endpoint.malformed(true, "request body must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!"batch".equals(field)) {
          p.skipChildren();
          continue;
        }
        if (value != JsonToken.START_ARRAY) {
          throw new Rejection(400, Responses.v2Error("invalid", "batch", "batch must be an array"), 1);
        }
        sawBatch = true;
        int index = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          ParsedOperation op = ParsedOperation.read(p, body);
          long size = op.endOffset - op.startOffset;
          Problems problems = new Problems();
          if (size > Limits.MAX_BATCH_OPERATION_BYTES) {
            problems.add("too_large", "", "operation must be at most 32000 bytes but was " + size);
          } else {
            RecordedOperation.Builder b = operation(op, problems);
            if (problems.isEmpty() && faults.poisoned(b.attributesJson)) {
              records.refuse(b, clock.millis());
              if (faults.poisonMode() == Faults.PoisonMode.REQUEST) {
                throw new Rejection(400, Responses.v2Error("invalid", "batch[" + index + "]",
                    "operation " + index + " is invalid (poisoned by a test fault)"), 1);
              }
              problems.add("invalid", "attributes." + faults.poisonAttribute(),
                  "attribute '" + faults.poisonAttribute() + "' is not allowed (poisoned by a test fault)");
            }
            if (problems.isEmpty()) {
              accepted.add(b);
            }
          }
          for (Problems.Problem problem : problems.list()) {
            errors.add(new Responses.IndexedProblem(index, problem));
          }
          index++;
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw Endpoint.malformed(true, "request body is not valid JSON");
      }
    } catch (JacksonException e) {
      throw Endpoint.malformed(true, "request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw Endpoint.malformed(true, "request body could not be read");
    }
    if (!sawBatch) {
      throw new Rejection(400, Responses.v2Error("required", "batch", "batch must be present"), 1);
    }
    int rejected = (int) errors.stream().mapToInt(Responses.IndexedProblem::batchIndex).distinct().count();
    if (errors.isEmpty()) {
      return new Endpoint.Result(200, Responses.EMPTY_OBJECT, accepted, 0);
    }
    return new Endpoint.Result(207, Responses.v2Errors(errors), accepted, rejected);
  }

  /** Validates one v2 operation; returns what to record, or null with problems added. */
  static RecordedOperation.Builder operation(ParsedOperation op, Problems problems) {
    if (!op.object) {
      problems.add("invalid", "", "operation must be a JSON object");
      return null;
    }
    JsonNode typeNode = op.type;
    JsonNode actionNode = op.action;
    if (typeNode == null || !typeNode.isTextual()) {
      problems.add("required", "type", "type must be one of person, object, delivery");
      return null;
    }
    if (actionNode == null || !actionNode.isTextual()) {
      problems.add("required", "action", "action must be present");
      return null;
    }
    String type = typeNode.textValue();
    String action = actionNode.textValue();
    switch (type) {
      case "person":
        return person(op, action, problems);
      case "object":
        return object(op, action, problems);
      case "delivery":
        return delivery(op, action, problems);
      default:
        problems.add("invalid", "type", "type must be one of person, object, delivery");
        return null;
    }
  }

  private static Action personAction(String action) {
    switch (action) {
      case "identify": return Action.IDENTIFY;
      case "delete": return Action.DELETE;
      case "event": return Action.EVENT;
      case "page": return Action.PAGE;
      case "screen": return Action.SCREEN;
      case "add_relationships": return Action.ADD_RELATIONSHIPS;
      case "delete_relationships": return Action.DELETE_RELATIONSHIPS;
      case "add_device": return Action.ADD_DEVICE;
      case "delete_device": return Action.DELETE_DEVICE;
      case "merge": return Action.MERGE;
      case "suppress": return Action.SUPPRESS;
      case "unsuppress": return Action.UNSUPPRESS;
      default: return null;
    }
  }

  private static RecordedOperation.Builder person(ParsedOperation op, String actionName, Problems problems) {
    Action action = personAction(actionName);
    if (action == null) {
      problems.add("invalid", "action", "action '" + actionName + "' is not valid for type person");
      return null;
    }
    RecordedOperation.Builder b = RecordedOperation.builder(Type.PERSON, action, true);
    if (action == Action.MERGE) {
      String[] primary = TrackV1.mergeParty(op.primary, "primary", problems);
      String[] secondary = TrackV1.mergeParty(op.secondary, "secondary", problems);
      if (primary != null && secondary != null) {
        b.identifier(primary[0], primary[1]).secondary(secondary[0], secondary[1]);
      }
      return problems.isEmpty() ? b : null;
    }
    personIdentifiers(op.identifiers, b, problems);
    if (op.attributesNotObject()) {
      problems.add("invalid", "attributes", "attributes must be an object");
    }
    byte[] attributes = op.attributesJson;
    switch (action) {
      case IDENTIFY:
        for (Problems.Problem p : op.attributeProblems.list()) {
          problems.add(p.reason(), p.field(), p.message());
        }
        relationshipsIfPresent(op, problems);
        break;
      case EVENT:
      case PAGE:
      case SCREEN:
        // An operation is at most 32,000 bytes, so its attributes (event data) cannot exceed 100,000.
        b.name(Limits.checkEventName(op.name, problems));
        b.eventId(eventId(op.id));
        break;
      case ADD_RELATIONSHIPS:
      case DELETE_RELATIONSHIPS:
        requireRelationships(op, problems);
        attributes = TrackV1.bytes(op.relationships);
        break;
      case ADD_DEVICE:
      case DELETE_DEVICE:
        JsonNode device = op.device;
        if (device == null || !device.isObject()) {
          problems.add("required", "device", "device must be an object");
          break;
        }
        JsonNode token = device.get("token");
        if (token == null || !token.isTextual() || token.textValue().isBlank()) {
          problems.add("required", "device.token", "device token must be present");
        } else {
          b.deviceToken(token.textValue());
        }
        if (action == Action.ADD_DEVICE) {
          JsonNode platform = device.get("platform");
          if (platform == null || !platform.isTextual() || platform.textValue().isBlank()) {
            problems.add("required", "device.platform", "device platform must be present");
          }
          attributes = TrackV1.bytes(device);
        }
        break;
      default:
        break;
    }
    if (!problems.isEmpty()) {
      return null;
    }
    return b.timestamp(timestamp(op)).attributes(attributes);
  }

  private static String eventId(JsonNode id) {
    return id != null && (id.isTextual() || id.isNumber()) && !id.asText().isEmpty() ? id.asText() : null;
  }

  private static long timestamp(ParsedOperation op) {
    return op.timestamp == null ? 0 : op.timestamp.asLong(0);
  }

  private static void personIdentifiers(JsonNode identifiers, RecordedOperation.Builder b, Problems problems) {
    String message = "identifiers must contain exactly one of id, email, phone, cio_id";
    if (identifiers == null || !identifiers.isObject()) {
      problems.add("required", "identifiers", message);
      return;
    }
    if (identifiers.size() != 1) {
      problems.add("invalid", "identifiers", message);
      return;
    }
    String key = identifiers.fieldNames().next();
    JsonNode value = identifiers.get(key);
    if (!("id".equals(key) || "email".equals(key) || "phone".equals(key) || "cio_id".equals(key))
        || !(value.isTextual() || value.isNumber())) {
      problems.add("invalid", "identifiers", message);
      return;
    }
    if (Limits.checkPersonId(value.asText(), "identifiers." + key, problems)) {
      b.identifier(key, value.asText());
    }
  }

  private static void requireRelationships(ParsedOperation op, Problems problems) {
    JsonNode rel = op.relationships;
    if (rel == null || !rel.isArray() || rel.isEmpty()) {
      problems.add("required", "cio_relationships", "cio_relationships must be a non-empty array");
    }
  }

  private static void relationshipsIfPresent(ParsedOperation op, Problems problems) {
    JsonNode rel = op.relationships;
    if (rel != null && !rel.isNull() && !rel.isArray()) {
      problems.add("invalid", "cio_relationships", "cio_relationships must be an array");
    }
  }

  private static RecordedOperation.Builder object(ParsedOperation op, String actionName, Problems problems) {
    Action action;
    switch (actionName) {
      case "identify": action = Action.IDENTIFY; break;
      case "identify_anonymous": action = Action.IDENTIFY_ANONYMOUS; break;
      case "delete": action = Action.DELETE; break;
      case "add_relationships": action = Action.ADD_RELATIONSHIPS; break;
      case "delete_relationships": action = Action.DELETE_RELATIONSHIPS; break;
      default:
        problems.add("invalid", "action", "action '" + actionName + "' is not valid for type object");
        return null;
    }
    RecordedOperation.Builder b = RecordedOperation.builder(Type.OBJECT, action, true);
    JsonNode ids = op.identifiers;
    String message = "identifiers must contain object_type_id and object_id, or cio_object_id";
    if (ids == null || !ids.isObject()) {
      problems.add("required", "identifiers", message);
    } else if (ids.hasNonNull("cio_object_id") && ids.size() == 1) {
      b.identifier("cio_object_id", ids.get("cio_object_id").asText());
    } else if (ids.hasNonNull("object_type_id") && ids.hasNonNull("object_id") && ids.size() == 2) {
      String objectId = ids.get("object_id").asText();
      if (Limits.utf8Length(objectId) > Limits.MAX_ID_BYTES) {
        problems.add("too_long", "identifiers.object_id", "object_id cannot be longer than 150 bytes");
      }
      b.identifier("object_id", ids.get("object_type_id").asText() + "/" + objectId);
    } else {
      problems.add("invalid", "identifiers", message);
    }
    if (op.attributesNotObject()) {
      problems.add("invalid", "attributes", "attributes must be an object");
    }
    for (Problems.Problem p : op.attributeProblems.list()) {
      problems.add(p.reason(), p.field(), p.message());
    }
    if (action == Action.ADD_RELATIONSHIPS || action == Action.DELETE_RELATIONSHIPS
        || action == Action.IDENTIFY_ANONYMOUS) {
      requireRelationships(op, problems);
    } else {
      relationshipsIfPresent(op, problems);
    }
    if (!problems.isEmpty()) {
      return null;
    }
    return b.timestamp(timestamp(op)).attributes(op.attributesJson);
  }

  private static RecordedOperation.Builder delivery(ParsedOperation op, String actionName, Problems problems) {
    if (!"event".equals(actionName)) {
      problems.add("invalid", "action", "action '" + actionName + "' is not valid for type delivery");
      return null;
    }
    RecordedOperation.Builder b = RecordedOperation.builder(Type.DELIVERY, Action.EVENT, true);
    JsonNode ids = op.identifiers;
    if (ids == null || !ids.isObject() || ids.size() != 1 || !ids.hasNonNull("id")) {
      problems.add("required", "identifiers", "identifiers must contain the delivery id");
    } else {
      b.identifier("delivery_id", ids.get("id").asText());
    }
    String n = op.name == null ? null : op.name.asText();
    if (!"opened".equals(n) && !"converted".equals(n) && !"delivered".equals(n)) {
      problems.add("invalid", "name", "name must be one of opened, converted, delivered");
    }
    JsonNode attributes = null;
    if (op.attributesJson != null) {
      try {
        attributes = Responses.MAPPER.readTree(op.attributesJson);
      } catch (IOException e) {
        attributes = null;
      }
    }
    if (attributes == null || !attributes.isObject() || !attributes.hasNonNull("device_token")) {
      problems.add("required", "attributes.device_token", "attributes.device_token must be present");
    }
    if (!problems.isEmpty()) {
      return null;
    }
    return b.name(n).eventId(eventId(op.id)).timestamp(timestamp(op)).attributes(op.attributesJson);
  }
}
