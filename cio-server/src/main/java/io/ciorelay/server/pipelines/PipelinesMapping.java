package io.ciorelay.server.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.client.Device;
import io.ciorelay.client.Event;
import io.ciorelay.client.EventType;
import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Limits;
import io.ciorelay.client.ObjectIdentifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.client.ValidationException;
import io.ciorelay.client.Violation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Maps one Segment-spec call (as Customer.io's Data Pipelines API and Segment's clients send it)
 * onto what the relay stores: a Track API v2 operation, or an anonymous event. The rules are those
 * of Segment's Customer.io destination:
 *
 * <ul>
 *   <li>identify → person {@code identify}, {@code traits} → attributes;
 *   <li>track → person {@code event} ({@code event} → name, {@code properties} → attributes, an
 *       {@code id} derived from {@code messageId} by {@link MessageIds}); the semantic events
 *       {@code User Deleted}, {@code User Suppressed}, {@code User Unsuppressed},
 *       {@code Device Created or Updated}, {@code Device Deleted}, {@code Relationship Deleted} and
 *       {@code Object Deleted} → {@code delete}, {@code suppress}, {@code unsuppress},
 *       {@code add_device}, {@code delete_device}, person {@code delete_relationships}, object
 *       {@code delete};
 *   <li>page / screen → person {@code page} / {@code screen} (page name: {@code properties.url},
 *       else {@code name});
 *   <li>group → object {@code identify} with {@code cio_relationships} to the person (object type
 *       from {@code traits.objectTypeId} or {@code traits.object_type_id}, default {@code "1"};
 *       {@code traits.relationshipAttributes} on the relationship), or object
 *       {@code identify_anonymous} for an anonymous person;
 *   <li>alias → person {@code merge} (primary {@code userId}, secondary {@code previousId});
 *   <li>a track, page or screen with only an {@code anonymousId} → an anonymous event (Track API
 *       {@code /api/v1/events} with {@code anonymous_id}); with both ids, {@code anonymous_id} is
 *       added to the attributes so Customer.io can join the anonymous activity.
 * </ul>
 *
 * <p>Identifier rule: a {@code userId} starting with {@code cio_} → {@code cio_id} (prefix
 * removed), an email-shaped one → {@code email}, anything else → {@code id}. ISO-8601 timestamps
 * become unix seconds: the call's {@code timestamp}, and (as the destination's default
 * {@code convert_timestamp} does) ISO-8601 strings among attributes, also in nested objects.
 * {@code sentAt}, {@code context} (except {@code context.device}), {@code integrations},
 * {@code _metadata} and unknown fields are ignored. Stateless and thread-safe.
 */
public final class PipelinesMapping {
  /** The call types, as in a call's {@code type} and the single-call paths {@code /v1/<type>}. */
  public static final Set<String> TYPES = Set.of("identify", "track", "page", "screen", "group", "alias");

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern EMAIL = Pattern.compile("^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$");

  /**
   * What one call maps to: an operation, or an anonymous event ({@code anonymousId} and
   * {@code event} set, {@code operation} null).
   *
   * @param messageId the call's messageId, or null when it had none
   */
  public record Mapped(String messageId, Operation operation, String anonymousId, Event event) {}

  private PipelinesMapping() {}

  /**
   * Maps one call.
   *
   * @param call         the call object
   * @param type         the call type from the path, or null to read it from the call's {@code type}
   * @param batchContext the {@code context} of the enclosing batch (device fields are read from it
   *                     when the call has none), or null
   * @throws ValidationException naming the field (e.g. {@code userId}, {@code event},
   *     {@code context.device.token}) when the call cannot be mapped or breaks a Track API limit
   */
  public static Mapped map(JsonNode call, String type, JsonNode batchContext) {
    if (call == null || !call.isObject()) {
      throw invalid("", "a call must be a JSON object");
    }
    String t = type != null ? type : text(call, "type", false);
    if (t == null) {
      throw invalid("type", "type is required: one of identify, track, page, screen, group, alias");
    }
    if (!TYPES.contains(t)) {
      throw invalid("type", "type must be one of identify, track, page, screen, group, alias but was '" + t + "'");
    }
    String messageId = text(call, "messageId", false);
    Long millis = timestampMillis(call);
    Long seconds = millis == null ? null : Math.floorDiv(millis, 1000);
    String userId = text(call, "userId", true);
    String anonymousId = text(call, "anonymousId", true);
    Mapped m = switch (t) {
      case "identify" -> identify(call, messageId, seconds, userId, anonymousId);
      case "track" -> track(call, messageId, millis, seconds, userId, anonymousId, batchContext);
      case "page", "screen" -> pageOrScreen(call, t, messageId, millis, seconds, userId, anonymousId);
      case "group" -> group(call, messageId, seconds, userId, anonymousId);
      default -> alias(call, messageId, userId);
    };
    List<Violation> v = m.operation() != null ? Limits.check(m.operation())
        : Limits.checkAnonymousEvent(m.anonymousId(), m.event());
    if (!v.isEmpty()) {
      throw new ValidationException(v);
    }
    return m;
  }

  /** The Track identifier of a Segment user id: {@code cio_…} → cio_id, email-shaped → email, else id. */
  public static Identifiers person(String userId) {
    if (userId.startsWith("cio_") && userId.length() > 4) {
      return Identifiers.cioId(userId.substring(4));
    }
    if (EMAIL.matcher(userId).matches()) {
      return Identifiers.email(userId);
    }
    return Identifiers.id(userId);
  }

  private static Mapped identify(JsonNode call, String messageId, Long seconds, String userId, String anonymousId) {
    Map<String, Object> attrs = attributes(call, "traits");
    Identifiers who;
    if (userId != null) {
      who = person(userId);
    } else if (attrs.get("email") instanceof String email && !email.isBlank()) {
      who = Identifiers.email(email);
    } else {
      throw invalid("userId", "an identify needs userId (or traits.email); one with only anonymousId has no"
          + " Track API person to update");
    }
    if (anonymousId != null) {
      attrs.put("anonymous_id", anonymousId);
    }
    Operation op = Operation.identify(who, attrs);
    return new Mapped(messageId, seconds == null ? op : op.withTimestamp(seconds), null, null);
  }

  private static Mapped track(JsonNode call, String messageId, Long millis, Long seconds, String userId,
      String anonymousId, JsonNode batchContext) {
    String event = text(call, "event", false);
    if (event == null || event.isBlank()) {
      throw invalid("event", "a track call needs a non-blank event name");
    }
    JsonNode props = call.get("properties");
    switch (event) {
      case "User Deleted":
        return semantic(messageId, Operation.delete(requirePerson(userId, event)));
      case "User Suppressed":
        return semantic(messageId, Operation.suppress(requirePerson(userId, event)));
      case "User Unsuppressed":
        return semantic(messageId, Operation.unsuppress(requirePerson(userId, event)));
      case "Device Created or Updated": {
        Identifiers who = requirePerson(userId, event);
        String token = deviceField(call, batchContext, "token", event);
        String platform = deviceField(call, batchContext, "type", event).toLowerCase(Locale.ROOT);
        Map<String, Object> attrs = attributes(call, "properties");
        attrs.remove("device_id");
        return semantic(messageId, Operation.addDevice(who, Device.builder(token, platform).lastUsed(seconds)
            .attributes(attrs.isEmpty() ? null : attrs).build()));
      }
      case "Device Deleted":
        return semantic(messageId, Operation.deleteDevice(requirePerson(userId, event),
            deviceField(call, batchContext, "token", event)));
      case "Relationship Deleted": {
        Identifiers who = requirePerson(userId, event);
        ObjectIdentifiers object = objectFromProperties(props, event);
        return semantic(messageId, Operation.deleteRelationships(who,
            List.of(Map.of("identifiers", object.toMap()))));
      }
      case "Object Deleted":
        return semantic(messageId, Operation.objectDelete(objectFromProperties(props, event)));
      default:
        break;
    }
    Map<String, Object> attrs = attributes(call, "properties");
    String id = messageId == null ? null : MessageIds.ulid(messageId, millis);
    if (userId == null) {
      return anonymous(call, messageId, id, seconds, anonymousId, event, EventType.EVENT, attrs);
    }
    if (anonymousId != null) {
      attrs.put("anonymous_id", anonymousId);
    }
    return new Mapped(messageId, stamp(Operation.event(person(userId), event, attrs), id, seconds), null, null);
  }

  private static Mapped pageOrScreen(JsonNode call, String type, String messageId, Long millis, Long seconds,
      String userId, String anonymousId) {
    Map<String, Object> attrs = attributes(call, "properties");
    String name = null;
    if (type.equals("page") && attrs.get("url") instanceof String url && !url.isBlank()) {
      name = url;
    }
    if (name == null) {
      name = text(call, "name", false);
    }
    if (name == null || name.isBlank()) {
      throw invalid(type.equals("page") ? "properties.url" : "name", type.equals("page")
          ? "a page call needs properties.url or name" : "a screen call needs a non-blank name");
    }
    String id = messageId == null ? null : MessageIds.ulid(messageId, millis);
    EventType et = type.equals("page") ? EventType.PAGE : EventType.SCREEN;
    if (userId == null) {
      return anonymous(call, messageId, id, seconds, anonymousId, name, et, attrs);
    }
    if (anonymousId != null) {
      attrs.put("anonymous_id", anonymousId);
    }
    Operation op = type.equals("page") ? Operation.page(person(userId), name, attrs)
        : Operation.screen(person(userId), name, attrs);
    return new Mapped(messageId, stamp(op, id, seconds), null, null);
  }

  private static Mapped group(JsonNode call, String messageId, Long seconds, String userId, String anonymousId) {
    String groupId = text(call, "groupId", true);
    if (groupId == null) {
      throw invalid("groupId", "a group call needs a non-blank groupId");
    }
    Map<String, Object> attrs = attributes(call, "traits");
    Object typeId = attrs.remove("objectTypeId");
    Object snake = attrs.remove("object_type_id");
    if (typeId == null) {
      typeId = snake;
    }
    Object relAttrs = attrs.remove("relationshipAttributes");
    String objectType = typeId == null ? ObjectIdentifiers.DEFAULT_TYPE_ID : scalar(typeId, "traits.objectTypeId");
    ObjectIdentifiers object = ObjectIdentifiers.of(objectType, groupId);
    Map<String, Object> rel = new LinkedHashMap<>();
    Operation op;
    if (userId != null) {
      rel.put("identifiers", person(userId).toMap());
      if (relAttrs instanceof Map<?, ?> ra && !ra.isEmpty()) {
        rel.put("relationship_attributes", ra);
      }
      op = Operation.objectIdentify(object, attrs, List.of(rel));
    } else if (anonymousId != null) {
      rel.put("identifiers", Map.of("anonymous_id", anonymousId));
      op = Operation.objectIdentifyAnonymous(object, attrs, List.of(rel));
    } else {
      throw invalid("userId", "a group call needs userId or anonymousId");
    }
    return new Mapped(messageId, seconds == null ? op : op.withTimestamp(seconds), null, null);
  }

  private static Mapped alias(JsonNode call, String messageId, String userId) {
    String previousId = text(call, "previousId", true);
    if (userId == null) {
      throw invalid("userId", "an alias call needs userId (the person kept)");
    }
    if (previousId == null) {
      throw invalid("previousId", "an alias call needs previousId (the person merged into userId)");
    }
    if (previousId.equals(userId)) {
      throw invalid("previousId", "previousId must differ from userId but both were '" + userId + "'");
    }
    return new Mapped(messageId, Operation.merge(person(userId), person(previousId)), null, null);
  }

  private static Mapped anonymous(JsonNode call, String messageId, String id, Long seconds, String anonymousId,
      String name, EventType type, Map<String, Object> data) {
    if (anonymousId == null) {
      throw invalid("userId", "a call needs userId or anonymousId");
    }
    Event.Builder b = Event.builder(name).type(type).data(data).id(id);
    if (seconds != null) {
      b.timestamp(seconds);
    }
    return new Mapped(messageId, null, anonymousId, b.build());
  }

  private static Mapped semantic(String messageId, Operation op) {
    return new Mapped(messageId, op, null, null);
  }

  private static Operation stamp(Operation op, String id, Long seconds) {
    Operation out = id == null ? op : op.withId(id);
    return seconds == null ? out : out.withTimestamp(seconds);
  }

  private static Identifiers requirePerson(String userId, String event) {
    if (userId == null) {
      throw invalid("userId", "'" + event + "' needs userId (the person it applies to)");
    }
    return person(userId);
  }

  private static ObjectIdentifiers objectFromProperties(JsonNode props, String event) {
    JsonNode id = props == null ? null : props.get("objectId");
    if (id == null || !(id.isTextual() || id.isIntegralNumber()) || id.asText().isBlank()) {
      throw invalid("properties.objectId", "'" + event + "' needs properties.objectId (a string)");
    }
    JsonNode type = props.get("objectTypeId");
    if (type == null || type.isNull()) {
      type = props.get("object_type_id");
    }
    String typeId = ObjectIdentifiers.DEFAULT_TYPE_ID;
    if (type != null && !type.isNull()) {
      if (!(type.isTextual() || type.isIntegralNumber()) || type.asText().isBlank()) {
        throw invalid("properties.objectTypeId", "properties.objectTypeId must be a string or an integer but was "
            + type.getNodeType().name().toLowerCase(Locale.ROOT));
      }
      typeId = type.asText();
    }
    return ObjectIdentifiers.of(typeId, id.asText());
  }

  private static String deviceField(JsonNode call, JsonNode batchContext, String field, String event) {
    for (JsonNode ctx : new JsonNode[] {call.get("context"), batchContext}) {
      JsonNode d = ctx == null ? null : ctx.get("device");
      JsonNode v = d == null ? null : d.get(field);
      if (v != null && v.isTextual() && !v.textValue().isBlank()) {
        return v.textValue();
      }
    }
    throw invalid("context.device." + field, "'" + event + "' needs context.device." + field
        + (field.equals("type") ? " (the platform: ios or android)" : " (the push token)"));
  }

  private static String scalar(Object v, String field) {
    if (v instanceof String s && !s.isBlank()) {
      return s;
    }
    if (v instanceof Integer || v instanceof Long) {
      return v.toString();
    }
    throw invalid(field, field + " must be a string or an integer but was " + v);
  }

  /** The call's timestamp (ISO-8601) in epoch milliseconds, or null when it has none. */
  private static Long timestampMillis(JsonNode call) {
    JsonNode n = call.get("timestamp");
    if (n == null || n.isNull()) {
      return null;
    }
    Long ms = n.isTextual() ? IsoTimestamps.parseMillis(n.textValue()) : null;
    if (ms == null) {
      String shown = n.toString();
      throw invalid("timestamp", "timestamp must be an ISO-8601 date-time like 2026-12-01T10:00:00.000Z but was "
          + (shown.length() > 60 ? shown.substring(0, 60) + "..." : shown));
    }
    return ms;
  }

  /** A field as text; numbers allowed when {@code numbers} (user ids); blank counts as absent. */
  private static String text(JsonNode call, String field, boolean numbers) {
    JsonNode n = call.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      return n.textValue().isBlank() ? null : n.textValue();
    }
    if (numbers && n.isIntegralNumber()) {
      return n.asText();
    }
    throw invalid(field, field + " must be a string" + (numbers ? " or an integer" : "") + " but was "
        + n.getNodeType().name().toLowerCase(Locale.ROOT));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> attributes(JsonNode call, String field) {
    JsonNode n = call.get(field);
    if (n == null || n.isNull()) {
      return new LinkedHashMap<>();
    }
    if (!n.isObject()) {
      throw invalid(field, field + " must be an object but was " + n.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return convertTimestamps(MAPPER.convertValue(n, LinkedHashMap.class));
  }

  /** ISO-8601 strings → unix seconds, in nested objects too (not in arrays), as the destination does. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> convertTimestamps(Map<String, Object> m) {
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (e.getValue() instanceof String s) {
        Long ms = IsoTimestamps.parseMillis(s);
        if (ms != null) {
          e.setValue(Math.floorDiv(ms, 1000));
        }
      } else if (e.getValue() instanceof Map<?, ?> nested) {
        e.setValue(convertTimestamps((Map<String, Object>) nested));
      }
    }
    return m;
  }

  private static ValidationException invalid(String field, String message) {
    return new ValidationException(new Violation(field, message, -1, -1));
  }
}
