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
 * <p>Parsing: a batch is read with Jackson's streaming parser, building a small tree per
 * operation, so each operation's exact byte size comes from the parser's offsets without
 * re-serialising. Stateless and thread-safe.
 */
final class TrackV2 {

  /** {@code POST /api/v2/entity}. */
  Endpoint.Result entity(Context ctx, byte[] body) {
    if (body.length >= Limits.MAX_ENTITY_REQUEST_BYTES) {
      throw new Rejection(400, Responses.v2Error("too_large", "",
          "request must be smaller than 32000 bytes but was " + body.length), 1);
    }
    JsonNode op = Endpoint.parseObject(body, false, true);
    Problems problems = new Problems();
    RecordedOperation.Builder b = operation(op, problems);
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
          long start = p.currentTokenLocation().getByteOffset();
          JsonNode op = p.readValueAsTree();
          long size = p.currentLocation().getByteOffset() - start;
          Problems problems = new Problems();
          if (size > Limits.MAX_BATCH_OPERATION_BYTES) {
            problems.add("too_large", "", "operation must be at most 32000 bytes but was " + size);
          } else {
            RecordedOperation.Builder b = operation(op, problems);
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
  static RecordedOperation.Builder operation(JsonNode op, Problems problems) {
    if (!op.isObject()) {
      problems.add("invalid", "", "operation must be a JSON object");
      return null;
    }
    JsonNode typeNode = op.get("type");
    JsonNode actionNode = op.get("action");
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

  private static RecordedOperation.Builder person(JsonNode op, String actionName, Problems problems) {
    Action action = personAction(actionName);
    if (action == null) {
      problems.add("invalid", "action", "action '" + actionName + "' is not valid for type person");
      return null;
    }
    RecordedOperation.Builder b = RecordedOperation.builder(Type.PERSON, action, true);
    if (action == Action.MERGE) {
      String[] primary = TrackV1.mergeParty(op.get("primary"), "primary", problems);
      String[] secondary = TrackV1.mergeParty(op.get("secondary"), "secondary", problems);
      if (primary != null && secondary != null) {
        b.identifier(primary[0], primary[1]).secondary(secondary[0], secondary[1]);
      }
      return problems.isEmpty() ? b : null;
    }
    personIdentifiers(op.get("identifiers"), b, problems);
    JsonNode attributes = op.get("attributes");
    if (attributes != null && !attributes.isNull() && !attributes.isObject()) {
      problems.add("invalid", "attributes", "attributes must be an object");
      attributes = null;
    }
    switch (action) {
      case IDENTIFY:
        if (attributes != null && !attributes.isNull()) {
          Limits.checkAttributes(Responses.MAPPER, attributes, "attributes.", problems);
        }
        relationshipsIfPresent(op, problems);
        break;
      case EVENT:
      case PAGE:
      case SCREEN:
        b.name(Limits.checkEventName(op.get("name"), problems));
        // An operation is at most 32,000 bytes, so its attributes cannot exceed 100,000 bytes.
        Limits.checkEventData(Responses.MAPPER, attributes, "attributes", 0, problems);
        JsonNode id = op.get("id");
        if (id != null && (id.isTextual() || id.isNumber()) && !id.asText().isEmpty()) {
          b.eventId(id.asText());
        }
        break;
      case ADD_RELATIONSHIPS:
      case DELETE_RELATIONSHIPS:
        requireRelationships(op, problems);
        attributes = op.get("cio_relationships");
        break;
      case ADD_DEVICE:
      case DELETE_DEVICE:
        JsonNode device = op.get("device");
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
          attributes = device;
        }
        break;
      default:
        break;
    }
    if (!problems.isEmpty()) {
      return null;
    }
    b.timestamp(op.path("timestamp").asLong(0));
    if (attributes != null && !attributes.isNull() && !attributes.isEmpty()) {
      b.attributes(TrackV1.bytes(attributes));
    }
    return b;
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

  private static void requireRelationships(JsonNode op, Problems problems) {
    JsonNode rel = op.get("cio_relationships");
    if (rel == null || !rel.isArray() || rel.isEmpty()) {
      problems.add("required", "cio_relationships", "cio_relationships must be a non-empty array");
    }
  }

  private static void relationshipsIfPresent(JsonNode op, Problems problems) {
    JsonNode rel = op.get("cio_relationships");
    if (rel != null && !rel.isNull() && !rel.isArray()) {
      problems.add("invalid", "cio_relationships", "cio_relationships must be an array");
    }
  }

  private static RecordedOperation.Builder object(JsonNode op, String actionName, Problems problems) {
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
    JsonNode ids = op.get("identifiers");
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
    JsonNode attributes = op.get("attributes");
    if (attributes != null && !attributes.isNull()) {
      if (!attributes.isObject()) {
        problems.add("invalid", "attributes", "attributes must be an object");
      } else {
        Limits.checkAttributes(Responses.MAPPER, attributes, "attributes.", problems);
      }
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
    if (attributes != null && attributes.isObject() && !attributes.isEmpty()) {
      b.attributes(TrackV1.bytes(attributes));
    }
    return b.timestamp(op.path("timestamp").asLong(0));
  }

  private static RecordedOperation.Builder delivery(JsonNode op, String actionName, Problems problems) {
    if (!"event".equals(actionName)) {
      problems.add("invalid", "action", "action '" + actionName + "' is not valid for type delivery");
      return null;
    }
    RecordedOperation.Builder b = RecordedOperation.builder(Type.DELIVERY, Action.EVENT, true);
    JsonNode ids = op.get("identifiers");
    if (ids == null || !ids.isObject() || ids.size() != 1 || !ids.hasNonNull("id")) {
      problems.add("required", "identifiers", "identifiers must contain the delivery id");
    } else {
      b.identifier("delivery_id", ids.get("id").asText());
    }
    JsonNode name = op.get("name");
    String n = name == null ? null : name.asText();
    if (!"opened".equals(n) && !"converted".equals(n) && !"delivered".equals(n)) {
      problems.add("invalid", "name", "name must be one of opened, converted, delivered");
    }
    JsonNode attributes = op.get("attributes");
    if (attributes == null || !attributes.isObject() || !attributes.hasNonNull("device_token")) {
      problems.add("required", "attributes.device_token", "attributes.device_token must be present");
    }
    if (!problems.isEmpty()) {
      return null;
    }
    JsonNode id = op.get("id");
    if (id != null && (id.isTextual() || id.isNumber()) && !id.asText().isEmpty()) {
      b.eventId(id.asText());
    }
    return b.name(n).timestamp(op.path("timestamp").asLong(0)).attributes(TrackV1.bytes(attributes));
  }
}
