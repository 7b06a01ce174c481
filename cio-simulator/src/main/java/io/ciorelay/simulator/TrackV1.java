package io.ciorelay.simulator;

import static io.ciorelay.simulator.RecordedOperation.Action;
import static io.ciorelay.simulator.RecordedOperation.Type;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Track API v1 endpoints: validation with Customer.io's error texts and what each call records.
 * Stateless and thread-safe.
 */
final class TrackV1 {
  private final Supplier<String> baseUrl;
  private final String siteId;

  TrackV1(Supplier<String> baseUrl, String siteId) {
    this.baseUrl = baseUrl;
    this.siteId = siteId;
  }

  /** {@code GET /api/v1/accounts/region}. */
  Endpoint.Result region(Context ctx, byte[] body) {
    byte[] json = Responses.write(g -> {
      g.writeStartObject();
      g.writeStringField("url", baseUrl.get());
      g.writeStringField("region", "us");
      g.writeNumberField("environment_id", Math.abs((long) siteId.hashCode()) % 100_000);
      g.writeEndObject();
    });
    return new Endpoint.Result(200, json, List.of(), 0);
  }

  /** {@code PUT /api/v1/customers/{id}}. */
  Endpoint.Result identify(Context ctx, byte[] body) {
    Problems problems = new Problems();
    String id = personId(ctx, problems);
    JsonNode attrs = Endpoint.parseObject(body, true, false);
    JsonNode idAttr = attrs.get("id");
    if (idAttr != null && !idAttr.isNull()) {
      if (!idAttr.isTextual() && !idAttr.isNumber()) {
        problems.add("invalid", "id", "id attribute must be a string value");
      } else if (idAttr.isTextual() && idAttr.textValue().isEmpty()) {
        problems.add("required", "id", "id attribute cannot be an empty string");
      }
    }
    Limits.checkAttributes(Responses.MAPPER, attrs, "", problems);
    rejectIf(problems);
    return Endpoint.Result.ok(person(Action.IDENTIFY, id)
        .timestamp(attrs.path("_timestamp").asLong(0))
        .attributes(body.length == 0 ? null : body));
  }

  /** {@code DELETE /api/v1/customers/{id}}, suppress and unsuppress (no body). */
  Endpoint.Result noBody(Action action, Context ctx) {
    Problems problems = new Problems();
    String id = personId(ctx, problems);
    rejectIf(problems);
    return Endpoint.Result.ok(person(action, id));
  }

  /** {@code POST /api/v1/customers/{id}/events}: event, page or screen. */
  Endpoint.Result personEvent(Context ctx, byte[] body) {
    Problems problems = new Problems();
    String id = personId(ctx, problems);
    JsonNode json = Endpoint.parseObject(body, true, false);
    RecordedOperation.Builder op = event(json, body.length, problems, Type.PERSON);
    rejectIf(problems);
    String[] ident = inferIdentifier(id);
    return Endpoint.Result.ok(op.identifier(ident[0], ident[1]));
  }

  /** {@code POST /api/v1/events}: an anonymous event (an empty anonymous id is a legacy invite). */
  Endpoint.Result anonymousEvent(Context ctx, byte[] body) {
    Problems problems = new Problems();
    JsonNode json = Endpoint.parseObject(body, true, false);
    RecordedOperation.Builder op = event(json, body.length, problems, Type.PERSON);
    JsonNode anon = json.get("anonymous_id");
    if (anon != null && !anon.isNull() && !anon.isTextual() && !anon.isNumber()) {
      problems.add("invalid", "anonymous_id", "anonymous_id must be a string value");
    }
    rejectIf(problems);
    if (anon != null && !anon.isNull() && !anon.asText().isEmpty()) {
      op.identifier("anonymous_id", anon.asText());
    }
    return Endpoint.Result.ok(op);
  }

  private RecordedOperation.Builder event(JsonNode json, long bodyBytes, Problems problems, Type type) {
    String name = Limits.checkEventName(json.get("name"), problems);
    JsonNode data = json.get("data");
    Limits.checkEventData(Responses.MAPPER, data, "data", bodyBytes, problems);
    Action action = Action.EVENT;
    JsonNode t = json.get("type");
    if (t != null && !t.isNull()) {
      String s = t.asText();
      if ("page".equals(s)) {
        action = Action.PAGE;
      } else if ("screen".equals(s)) {
        action = Action.SCREEN;
      } else if (!"event".equals(s)) {
        problems.add("invalid", "type", "type must be one of event, page, screen");
      }
    }
    RecordedOperation.Builder op = RecordedOperation.builder(type, action, false).name(name);
    JsonNode eventId = json.get("id");
    if (eventId != null && (eventId.isTextual() || eventId.isNumber()) && !eventId.asText().isEmpty()) {
      op.eventId(eventId.asText());
    }
    op.timestamp(json.path("timestamp").asLong(0));
    if (problems.isEmpty() && data != null && data.isObject() && !data.isEmpty()) {
      op.attributes(bytes(data));
    }
    return op;
  }

  /** {@code PUT /api/v1/customers/{id}/devices}. */
  Endpoint.Result addDevice(Context ctx, byte[] body) {
    Problems problems = new Problems();
    String id = personId(ctx, problems);
    JsonNode json = Endpoint.parseObject(body, false, false);
    JsonNode device = json.get("device");
    String token = null;
    if (device == null || !device.isObject()) {
      problems.add("required", "device", "device must be a hash");
    } else {
      JsonNode tokenNode = device.get("id");
      if (tokenNode == null || !tokenNode.isTextual() || tokenNode.textValue().isBlank()) {
        problems.add("required", "device.id", "device id must be present");
      } else {
        token = tokenNode.textValue();
      }
      JsonNode platform = device.get("platform");
      if (platform == null || !platform.isTextual() || platform.textValue().isBlank()) {
        problems.add("required", "device.platform", "device platform must be present");
      } else if (!"ios".equals(platform.textValue()) && !"android".equals(platform.textValue())) {
        problems.add("invalid", "device.platform", "device platform must be one of ios, android");
      }
    }
    rejectIf(problems);
    return Endpoint.Result.ok(person(Action.ADD_DEVICE, id).deviceToken(token).attributes(bytes(device)));
  }

  /** {@code DELETE /api/v1/customers/{id}/devices/{device_id}}. */
  Endpoint.Result deleteDevice(Context ctx, byte[] body) {
    Problems problems = new Problems();
    String id = personId(ctx, problems);
    String token = ctx.pathParam("device_id");
    if (token.isBlank()) {
      problems.add("required", "device_id", "device id must be present");
    }
    rejectIf(problems);
    return Endpoint.Result.ok(person(Action.DELETE_DEVICE, id).deviceToken(token));
  }

  /** {@code POST /api/v1/merge_customers}. */
  Endpoint.Result merge(Context ctx, byte[] body) {
    Problems problems = new Problems();
    JsonNode json = Endpoint.parseObject(body, false, false);
    String[] primary = mergeParty(json.get("primary"), "primary", problems);
    String[] secondary = mergeParty(json.get("secondary"), "secondary", problems);
    rejectIf(problems);
    return Endpoint.Result.ok(RecordedOperation.builder(Type.PERSON, Action.MERGE, false)
        .identifier(primary[0], primary[1]).secondary(secondary[0], secondary[1]));
  }

  /** Reads {@code {"id"|"email"|"cio_id": value}}, exactly one key; null on a problem. */
  static String[] mergeParty(JsonNode node, String field, Problems problems) {
    String message = field + " must contain exactly one of id, email, cio_id";
    if (node == null || !node.isObject() || node.size() != 1) {
      problems.add("invalid", field, message);
      return null;
    }
    String key = node.fieldNames().next();
    JsonNode value = node.get(key);
    if (!("id".equals(key) || "email".equals(key) || "cio_id".equals(key))
        || !(value.isTextual() || value.isNumber())) {
      problems.add("invalid", field, message);
      return null;
    }
    if (!Limits.checkPersonId(value.asText(), field + "." + key, problems)) {
      return null;
    }
    return new String[] {key, value.asText()};
  }

  /** {@code POST /api/v1/segments/{segment_id}/add_customers} and {@code remove_customers}. */
  Endpoint.Result segment(Action action, Context ctx, byte[] body) {
    Problems problems = new Problems();
    JsonNode json = Endpoint.parseObject(body, false, false);
    String idType = ctx.queryParam("id_type");
    if (idType != null && !"id".equals(idType) && !"email".equals(idType) && !"cio_id".equals(idType)) {
      problems.add("invalid", "id_type", "id_type must be one of id, email, cio_id");
    }
    JsonNode ids = json.get("ids");
    if (ids == null || !ids.isArray() || ids.isEmpty() || ids.size() > Limits.MAX_SEGMENT_IDS) {
      problems.add("invalid", "ids", "ids must be an array of 1 to 1000 identifiers");
    }
    rejectIf(problems);
    return Endpoint.Result.ok(RecordedOperation.builder(Type.PERSON, action, false)
        .name(ctx.pathParam("segment_id")).attributes(bytes(ids)));
  }

  /** {@code POST /api/v1/forms/{form_id}/submit}: answers 204. */
  Endpoint.Result formSubmit(Context ctx, byte[] body) {
    Problems problems = new Problems();
    JsonNode json = Endpoint.parseObject(body, false, false);
    JsonNode data = json.get("data");
    if (data == null || !data.isObject()) {
      problems.add("invalid", "data", "data must be a hash");
    }
    rejectIf(problems);
    RecordedOperation.Builder op = RecordedOperation.builder(Type.PERSON, Action.FORM_SUBMIT, false)
        .name(ctx.pathParam("form_id")).attributes(bytes(data));
    JsonNode email = data.get("email");
    JsonNode id = data.get("id");
    if (id != null && !id.isNull()) {
      op.identifier("id", id.asText());
    } else if (email != null && !email.isNull()) {
      op.identifier("email", email.asText());
    }
    return new Endpoint.Result(204, new byte[0], List.of(op), 0);
  }

  /** {@code POST /api/v1/metrics}. */
  Endpoint.Result metric(Context ctx, byte[] body) {
    Problems problems = new Problems();
    JsonNode json = Endpoint.parseObject(body, false, false);
    String deliveryId = requiredText(json, "delivery_id", problems);
    String metric = requiredText(json, "metric", problems);
    rejectIf(problems);
    return Endpoint.Result.ok(RecordedOperation.builder(Type.DELIVERY, Action.METRIC, false)
        .identifier("delivery_id", deliveryId).name(metric).timestamp(json.path("timestamp").asLong(0))
        .attributes(body));
  }

  /** {@code POST /api/v1/push/events}. */
  Endpoint.Result pushEvent(Context ctx, byte[] body) {
    Problems problems = new Problems();
    JsonNode json = Endpoint.parseObject(body, false, false);
    String deliveryId = requiredText(json, "delivery_id", problems);
    String event = requiredText(json, "event", problems);
    if (event != null && !"opened".equals(event) && !"converted".equals(event) && !"delivered".equals(event)) {
      problems.add("invalid", "event", "event must be one of opened, converted, delivered");
    }
    rejectIf(problems);
    return Endpoint.Result.ok(RecordedOperation.builder(Type.DELIVERY, Action.PUSH_EVENT, false)
        .identifier("delivery_id", deliveryId).name(event).timestamp(json.path("timestamp").asLong(0))
        .attributes(body));
  }

  /** {@code POST /unsubscribe/{delivery_id}}. */
  Endpoint.Result unsubscribe(Context ctx, byte[] body) {
    Problems problems = new Problems();
    JsonNode json = Endpoint.parseObject(body, false, false);
    JsonNode flag = json.get("unsubscribe");
    if (flag == null || !flag.isBoolean()) {
      problems.add("invalid", "unsubscribe", "unsubscribe must be a boolean");
    }
    rejectIf(problems);
    return Endpoint.Result.ok(RecordedOperation.builder(Type.DELIVERY, Action.UNSUBSCRIBE, false)
        .identifier("delivery_id", ctx.pathParam("delivery_id")).attributes(body));
  }

  private static String requiredText(JsonNode json, String field, Problems problems) {
    JsonNode node = json.get(field);
    if (node == null || !(node.isTextual() || node.isNumber()) || node.asText().isBlank()) {
      problems.add("required", field, field + " must be present");
      return null;
    }
    return node.asText();
  }

  private static String personId(Context ctx, Problems problems) {
    String id = ctx.pathParam("id");
    Limits.checkPersonId(id, "id", problems);
    return id;
  }

  private static RecordedOperation.Builder person(Action action, String pathId) {
    String[] ident = inferIdentifier(pathId);
    return RecordedOperation.builder(Type.PERSON, action, false).identifier(ident[0], ident[1]);
  }

  /** Customer.io infers the identifier type from the path value's shape. */
  static String[] inferIdentifier(String pathId) {
    if (pathId.startsWith("cio_")) {
      return new String[] {"cio_id", pathId.substring(4)};
    }
    if (pathId.indexOf('@') >= 0) {
      return new String[] {"email", pathId};
    }
    return new String[] {"id", pathId};
  }

  private static void rejectIf(Problems problems) {
    if (!problems.isEmpty()) {
      throw new Rejection(400, Responses.v1Problems(problems), 1);
    }
  }

  static byte[] bytes(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      return Responses.MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
