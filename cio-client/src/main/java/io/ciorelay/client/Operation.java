package io.ciorelay.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One Track API v2 operation, as sent to {@code /api/v2/entity} or inside a {@code /api/v2/batch}:
 * a person operation ({@code "type":"person"}), or an object operation ({@code "type":"object"}:
 * {@link #objectIdentify}, {@link #objectIdentifyAnonymous}, {@link #objectDelete}).
 *
 * <p>Made with the static factories; limits are not checked here but by {@link Limits#check(Operation)}
 * (which the {@link TrackClient} calls before sending). Event data goes in {@code attributes}; a
 * device's push token is sent as {@code token}. {@code id} (a ULID) and {@code timestamp} (unix
 * epoch seconds) are optional. Immutable and thread-safe (maps and lists are copied, shallowly);
 * equal by content.
 */
public final class Operation {
    private final Action action;
    private final Identifiers identifiers;
    private final String name;
    private final String id;
    private final Long timestamp;
    private final Map<String, Object> attributes;
    private final Device device;
    private final Identifiers primary;
    private final Identifiers secondary;
    private final List<Map<String, Object>> relationships;
    private final ObjectIdentifiers object;

    private Operation(Action action, Identifiers identifiers, String name, String id, Long timestamp,
            Map<String, ?> attributes, Device device, Identifiers primary, Identifiers secondary,
            List<? extends Map<String, ?>> relationships) {
        this(action, identifiers, name, id, timestamp, attributes, device, primary, secondary, relationships, null);
    }

    private Operation(Action action, Identifiers identifiers, String name, String id, Long timestamp,
            Map<String, ?> attributes, Device device, Identifiers primary, Identifiers secondary,
            List<? extends Map<String, ?>> relationships, ObjectIdentifiers object) {
        this.object = object;
        this.action = action;
        this.identifiers = identifiers;
        this.name = name;
        this.id = id;
        this.timestamp = timestamp;
        this.attributes = Event.copy(attributes);
        this.device = device;
        this.primary = primary;
        this.secondary = secondary;
        if (relationships == null) {
            this.relationships = List.of();
        } else {
            List<Map<String, Object>> copy = new ArrayList<>(relationships.size());
            for (Map<String, ?> r : relationships) {
                copy.add(r == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(r)));
            }
            this.relationships = Collections.unmodifiableList(copy);
        }
    }

    /** A copy of {@code o} with another id and timestamp; its maps are immutable already, so shared. */
    private Operation(Operation o, String id, Long timestamp) {
        this.object = o.object;
        this.action = o.action;
        this.identifiers = o.identifiers;
        this.name = o.name;
        this.id = id;
        this.timestamp = timestamp;
        this.attributes = o.attributes;
        this.device = o.device;
        this.primary = o.primary;
        this.secondary = o.secondary;
        this.relationships = o.relationships;
    }

    private static Operation person(Action action, Identifiers ids) {
        return new Operation(action, requireIds(ids, "identifiers"), null, null, null, null, null, null, null, null);
    }

    private static Identifiers requireIds(Identifiers ids, String field) {
        if (ids == null) {
            throw new ValidationException(new Violation(field, field + " must not be null", -1, -1));
        }
        return ids;
    }

    /** Creates or updates a person with attributes (null means none). @throws ValidationException if identifiers is null */
    public static Operation identify(Identifiers identifiers, Map<String, ?> attributes) {
        return new Operation(Action.IDENTIFY, requireIds(identifiers, "identifiers"), null, null, null, attributes,
                null, null, null, null);
    }

    /** Tracks an event; attributes are the event data. @throws ValidationException if identifiers is null */
    public static Operation event(Identifiers identifiers, String name, Map<String, ?> attributes) {
        return eventLike(Action.EVENT, identifiers, name, attributes);
    }

    /** Tracks a page view named by URL or path. @throws ValidationException if identifiers is null */
    public static Operation page(Identifiers identifiers, String name, Map<String, ?> attributes) {
        return eventLike(Action.PAGE, identifiers, name, attributes);
    }

    /** Tracks a screen view. @throws ValidationException if identifiers is null */
    public static Operation screen(Identifiers identifiers, String name, Map<String, ?> attributes) {
        return eventLike(Action.SCREEN, identifiers, name, attributes);
    }

    private static Operation eventLike(Action a, Identifiers ids, String name, Map<String, ?> attributes) {
        return new Operation(a, requireIds(ids, "identifiers"), name, null, null, attributes, null, null, null, null);
    }

    /** Deletes a person. @throws ValidationException if identifiers is null */
    public static Operation delete(Identifiers identifiers) {
        return person(Action.DELETE, identifiers);
    }

    /** Deletes and suppresses a person. @throws ValidationException if identifiers is null */
    public static Operation suppress(Identifiers identifiers) {
        return person(Action.SUPPRESS, identifiers);
    }

    /** Lifts a suppression. @throws ValidationException if identifiers is null */
    public static Operation unsuppress(Identifiers identifiers) {
        return person(Action.UNSUPPRESS, identifiers);
    }

    /** Adds or updates a device. @throws ValidationException if an argument is null */
    public static Operation addDevice(Identifiers identifiers, Device device) {
        if (device == null) {
            throw new ValidationException(new Violation("device", "device must not be null", -1, -1));
        }
        return new Operation(Action.ADD_DEVICE, requireIds(identifiers, "identifiers"), null, null, null, null, device,
                null, null, null);
    }

    /** Removes a device by push token. @throws ValidationException if identifiers is null */
    public static Operation deleteDevice(Identifiers identifiers, String token) {
        return new Operation(Action.DELETE_DEVICE, requireIds(identifiers, "identifiers"), null, null, null, null,
                Device.builder(token, null).build(), null, null, null);
    }

    /** Merges the secondary person into the primary (irreversible). @throws ValidationException if either is null */
    public static Operation merge(Identifiers primary, Identifiers secondary) {
        return new Operation(Action.MERGE, null, null, null, null, null, null, requireIds(primary, "primary"),
                requireIds(secondary, "secondary"), null);
    }

    /**
     * Adds relationships to objects; each entry is like
     * {@code {"identifiers":{"object_type_id":"1","object_id":"acme"},"relationship_attributes":{..}}}.
     *
     * @throws ValidationException if identifiers is null
     */
    public static Operation addRelationships(Identifiers identifiers, List<? extends Map<String, ?>> relationships) {
        return new Operation(Action.ADD_RELATIONSHIPS, requireIds(identifiers, "identifiers"), null, null, null, null,
                null, null, null, relationships);
    }

    /** Removes relationships to objects. @throws ValidationException if identifiers is null */
    public static Operation deleteRelationships(Identifiers identifiers, List<? extends Map<String, ?>> relationships) {
        return new Operation(Action.DELETE_RELATIONSHIPS, requireIds(identifiers, "identifiers"), null, null, null,
                null, null, null, null, relationships);
    }

    /**
     * Creates or updates an object with attributes, and relates it to the people in
     * {@code relationships} (each like {@code {"identifiers":{"id":"42"},"relationship_attributes":{..}}};
     * null or empty means none).
     *
     * @throws ValidationException if object is null
     */
    public static Operation objectIdentify(ObjectIdentifiers object, Map<String, ?> attributes,
            List<? extends Map<String, ?>> relationships) {
        return objectOp(Action.IDENTIFY, object, attributes, relationships);
    }

    /**
     * Creates or updates an object related to anonymous people ({@code relationships} entries like
     * {@code {"identifiers":{"anonymous_id":"a1"}}}, at least one).
     *
     * @throws ValidationException if object is null
     */
    public static Operation objectIdentifyAnonymous(ObjectIdentifiers object, Map<String, ?> attributes,
            List<? extends Map<String, ?>> relationships) {
        return objectOp(Action.IDENTIFY_ANONYMOUS, object, attributes, relationships);
    }

    /** Deletes an object. @throws ValidationException if object is null */
    public static Operation objectDelete(ObjectIdentifiers object) {
        return objectOp(Action.DELETE, object, null, null);
    }

    private static Operation objectOp(Action action, ObjectIdentifiers object, Map<String, ?> attributes,
            List<? extends Map<String, ?>> relationships) {
        if (object == null) {
            throw new ValidationException(new Violation("identifiers", "identifiers must not be null", -1, -1));
        }
        return new Operation(action, null, null, null, null, attributes, null, null, null, relationships, object);
    }

    /** Returns a copy with this de-duplication id (a ULID); null removes it. */
    public Operation withId(String ulid) {
        return new Operation(this, ulid, timestamp);
    }

    /** Returns a copy with this timestamp in unix seconds. */
    public Operation withTimestamp(long epochSeconds) {
        return new Operation(this, id, epochSeconds);
    }

    /** Returns whether this is an object operation ({@code "type":"object"}). */
    public boolean isObject() {
        return object != null;
    }

    /** Returns the object of an object operation, or null for a person operation. */
    public ObjectIdentifiers object() {
        return object;
    }

    /** Returns the action. */
    public Action action() {
        return action;
    }

    /** Returns the person's identifier, or null for a merge or an object operation. */
    public Identifiers identifiers() {
        return identifiers;
    }

    /** Returns the event, page or screen name, or null. */
    public String name() {
        return name;
    }

    /** Returns the de-duplication id, or null. */
    public String id() {
        return id;
    }

    /** Returns the timestamp in unix seconds, or null. */
    public Long timestamp() {
        return timestamp;
    }

    /** Returns the attributes (person attributes or event data), empty if none; unmodifiable. */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /** Returns the device of add_device/delete_device, or null. */
    public Device device() {
        return device;
    }

    /** Returns the primary person of a merge, or null. */
    public Identifiers primary() {
        return primary;
    }

    /** Returns the secondary person of a merge, or null. */
    public Identifiers secondary() {
        return secondary;
    }

    /** Returns the relationships of add/delete_relationships, empty if none; unmodifiable. */
    public List<Map<String, Object>> relationships() {
        return relationships;
    }

    /**
     * Returns a stable key of the person this operation is about, e.g. {@code id:42}; for a merge, the
     * primary's. For an object operation it is the key of the first related person ({@code id:42},
     * {@code email:…}, {@code cio_id:…}, or {@code anon:<anonymous_id>}, the key anonymous events use),
     * so a group call is kept in order with that person's other operations; without one, the object's
     * key {@code object:<type>/<id>}.
     */
    public String personKey() {
        if (object == null) {
            return (identifiers != null ? identifiers : primary).key();
        }
        if (!relationships.isEmpty() && relationships.get(0) != null
                && relationships.get(0).get("identifiers") instanceof Map<?, ?> ids && ids.size() == 1) {
            Map.Entry<?, ?> e = ids.entrySet().iterator().next();
            if (e.getValue() instanceof String v && !v.isBlank()) {
                String k = String.valueOf(e.getKey());
                if (k.equals("anonymous_id")) {
                    return "anon:" + v;
                }
                if (IdentifierType.fromWireKey(k) != null) {
                    return k + ":" + v;
                }
            }
        }
        return object.key();
    }

    /**
     * Returns the v2 wire form (UTF-8 JSON), with keys in the order type, identifiers, action, name,
     * id, timestamp, attributes, device, primary, secondary, cio_relationships; absent fields omitted.
     *
     * @throws ValidationException if an attribute value cannot be encoded as JSON
     */
    public byte[] toJson() {
        // Streams the fields the way Jackson would write toWire()'s map (OperationJsonTest checks
        // byte for byte), without building the map: this runs once per accepted operation.
        return Json.writeStreaming("operation", g -> {
            g.writeStartObject();
            g.writeStringField("type", object != null ? "object" : "person");
            if (identifiers != null) {
                g.writeFieldName("identifiers");
                g.writeStartObject();
                g.writeStringField(identifiers.type().wireKey(), identifiers.value());
                g.writeEndObject();
            } else if (object != null) {
                g.writeFieldName("identifiers");
                Json.writeValue(g, object.toMap());
            }
            g.writeStringField("action", action.wireName());
            if (name != null) {
                g.writeStringField("name", name);
            }
            if (id != null) {
                g.writeStringField("id", id);
            }
            if (timestamp != null) {
                g.writeNumberField("timestamp", timestamp);
            }
            if (!attributes.isEmpty()) {
                g.writeFieldName("attributes");
                Json.writeValue(g, attributes);
            }
            if (device != null) {
                g.writeFieldName("device");
                Json.writeValue(g, device.toWire("token"));
            }
            if (primary != null) {
                g.writeFieldName("primary");
                Json.writeValue(g, primary.toMap());
                g.writeFieldName("secondary");
                Json.writeValue(g, secondary.toMap());
            }
            if (action == Action.ADD_RELATIONSHIPS || action == Action.DELETE_RELATIONSHIPS
                    || (object != null && !relationships.isEmpty())) {
                g.writeFieldName("cio_relationships");
                Json.writeValue(g, relationships);
            }
            g.writeEndObject();
        });
    }

    Map<String, Object> toWire() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", object != null ? "object" : "person");
        if (identifiers != null) {
            m.put("identifiers", identifiers.toMap());
        } else if (object != null) {
            m.put("identifiers", object.toMap());
        }
        m.put("action", action.wireName());
        if (name != null) {
            m.put("name", name);
        }
        if (id != null) {
            m.put("id", id);
        }
        if (timestamp != null) {
            m.put("timestamp", timestamp);
        }
        if (!attributes.isEmpty()) {
            m.put("attributes", attributes);
        }
        if (device != null) {
            m.put("device", device.toWire("token"));
        }
        if (primary != null) {
            m.put("primary", primary.toMap());
            m.put("secondary", secondary.toMap());
        }
        if (action == Action.ADD_RELATIONSHIPS || action == Action.DELETE_RELATIONSHIPS
                || (object != null && !relationships.isEmpty())) {
            m.put("cio_relationships", relationships);
        }
        return m;
    }

    /**
     * Reads the v2 wire form written by {@link #toJson()} (or by hand). Unknown top-level fields
     * are rejected; limits are not checked (use {@link Limits#check(Operation)}).
     *
     * @throws ValidationException naming the field if the bytes are not a well-formed person
     *     operation (null, not JSON, wrong types, unknown action, not exactly one identifier,
     *     missing name/device/primary/secondary)
     */
    public static Operation fromJson(byte[] json) {
        if (json == null || json.length == 0) {
            throw invalid("operation", "operation JSON must not be empty");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw invalid("operation", "operation is not valid JSON: "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        return fromJsonTree(root);
    }

    /**
     * Like {@link #fromJson(byte[])}, from JSON already parsed (for a server that has parsed a
     * request body once and should not write and read each operation again).
     *
     * @throws ValidationException as {@link #fromJson(byte[])} does
     */
    public static Operation fromJsonTree(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw invalid("operation", "operation must be a JSON object but was " + kind(root));
        }
        requireFiniteNumbers(root, "");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!List.of("type", "identifiers", "action", "name", "id", "timestamp", "attributes", "device", "primary",
                    "secondary", "cio_relationships").contains(f)) {
                throw invalid(f, "unknown field '" + f + "'");
            }
        }
        String type = requiredText(root, "type");
        if (!type.equals("person") && !type.equals("object")) {
            throw invalid("type", "type must be 'person' or 'object' but was '" + type + "'");
        }
        String actionText = requiredText(root, "action");
        Action action = Action.fromWireName(actionText);
        if (action == null) {
            throw invalid("action", "unknown action '" + actionText + "'");
        }
        if (type.equals("object")) {
            return objectFromJson(root, action, actionText);
        }
        if (action == Action.IDENTIFY_ANONYMOUS) {
            throw invalid("action", "action 'identify_anonymous' is only valid for type 'object'");
        }
        String name = optionalText(root, "name");
        String id = optionalText(root, "id");
        Long timestamp = optionalLong(root, "timestamp");
        Map<String, Object> attributes = optionalObject(root, "attributes");

        Operation op;
        if (action == Action.MERGE) {
            if (root.has("identifiers")) {
                throw invalid("identifiers", "a merge has primary and secondary, not identifiers");
            }
            op = merge(identifiers(root, "primary"), identifiers(root, "secondary"));
        } else {
            Identifiers ids = identifiers(root, "identifiers");
            switch (action) {
                case IDENTIFY:
                    op = identify(ids, attributes);
                    break;
                case EVENT:
                case PAGE:
                case SCREEN:
                    if (name == null) {
                        throw invalid("name", "name is required for action '" + actionText + "'");
                    }
                    op = eventLike(action, ids, name, attributes);
                    break;
                case ADD_DEVICE:
                    op = addDevice(ids, device(root, true));
                    break;
                case DELETE_DEVICE:
                    op = new Operation(Action.DELETE_DEVICE, ids, null, null, null, null, device(root, false), null,
                            null, null);
                    break;
                case ADD_RELATIONSHIPS:
                case DELETE_RELATIONSHIPS:
                    op = new Operation(action, ids, null, null, null, null, null, null, null, relationships(root));
                    break;
                default:
                    op = person(action, ids);
                    break;
            }
            if (action != Action.IDENTIFY && !action.isEventLike() && attributes != null && !attributes.isEmpty()) {
                throw invalid("attributes", "attributes are not allowed for action '" + actionText + "'");
            }
        }
        if (!action.isEventLike() && name != null) {
            throw invalid("name", "name is not allowed for action '" + actionText + "'");
        }
        return new Operation(op.action, op.identifiers, op.name, id, timestamp, op.attributes, op.device, op.primary,
                op.secondary, op.relationships);
    }

    private static Operation objectFromJson(JsonNode root, Action action, String actionText) {
        if (action != Action.IDENTIFY && action != Action.IDENTIFY_ANONYMOUS && action != Action.DELETE) {
            throw invalid("action", "action '" + actionText + "' is not supported for type 'object'"
                    + " (identify, identify_anonymous, delete)");
        }
        for (String f : List.of("name", "device", "primary", "secondary")) {
            if (root.has(f)) {
                throw invalid(f, f + " is not allowed for an object operation");
            }
        }
        JsonNode n = root.get("identifiers");
        if (n == null || !n.isObject()) {
            throw invalid("identifiers", "identifiers must be an object with object_type_id and object_id");
        }
        if (n.size() != 2 || !n.has("object_type_id") || !n.has("object_id")) {
            throw invalid("identifiers", "identifiers must contain exactly object_type_id and object_id");
        }
        ObjectIdentifiers object = ObjectIdentifiers.of(requiredText(n, "object_type_id", "identifiers.object_type_id"),
                requiredText(n, "object_id", "identifiers.object_id"));
        Map<String, Object> attributes = optionalObject(root, "attributes");
        List<Map<String, Object>> rels = root.has("cio_relationships") ? relationships(root) : null;
        if (action == Action.DELETE && ((attributes != null && !attributes.isEmpty()) || rels != null)) {
            throw invalid("attributes", "attributes and cio_relationships are not allowed for an object delete");
        }
        Operation op = objectOp(action, object, attributes, rels);
        return new Operation(op.action, null, null, optionalText(root, "id"), optionalLong(root, "timestamp"),
                op.attributes, null, null, null, op.relationships, object);
    }

    /** Refuses a number that overflowed to an infinity while parsing (such as {@code 1e999}), naming where. */
    private static void requireFiniteNumbers(JsonNode n, String path) {
        if (n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue())) {
            String field = path.isEmpty() ? "operation" : path;
            throw new ValidationException(new Violation(field, field + ": the number is out of range ("
                    + "it overflows a double to " + n.doubleValue() + "); JSON numbers must be finite", -1, -1));
        }
        if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                requireFiniteNumbers(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                requireFiniteNumbers(n.get(i), path + "[" + i + "]");
            }
        }
    }

    private static Identifiers identifiers(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw invalid(field, field + " is required");
        }
        if (!n.isObject()) {
            throw invalid(field, field + " must be an object but was " + kind(n));
        }
        if (n.size() != 1) {
            throw new ValidationException(new Violation(field,
                    field + " must contain exactly one of id, email, cio_id, phone but had " + n.size(), 1, n.size()));
        }
        Map.Entry<String, JsonNode> e = n.properties().iterator().next();
        IdentifierType t = IdentifierType.fromWireKey(e.getKey());
        if (t == null) {
            throw invalid(field + "." + e.getKey(), "unknown identifier '" + e.getKey()
                    + "'; expected one of id, email, cio_id, phone");
        }
        if (!e.getValue().isTextual()) {
            throw invalid(field + "." + e.getKey(), field + "." + e.getKey() + " must be a string but was "
                    + kind(e.getValue()));
        }
        try {
            return Identifiers.of(t, e.getValue().textValue());
        } catch (ValidationException ex) {
            throw invalid(field + "." + e.getKey(), ex.violations().get(0).message());
        }
    }

    private static Device device(JsonNode root, boolean add) {
        JsonNode n = root.get("device");
        if (n == null || n.isNull()) {
            throw invalid("device", "device is required");
        }
        if (!n.isObject()) {
            throw invalid("device", "device must be an object but was " + kind(n));
        }
        String token = requiredText(n, "token", "device.token");
        String platform = add ? requiredText(n, "platform", "device.platform") : optionalText(n, "platform", "device.platform");
        Long lastUsed = optionalLong(n, "last_used", "device.last_used");
        Map<String, Object> attrs = optionalObject(n, "attributes", "device.attributes");
        return Device.builder(token, platform).lastUsed(lastUsed).attributes(attrs).build();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> relationships(JsonNode root) {
        JsonNode n = root.get("cio_relationships");
        if (n == null || n.isNull()) {
            throw invalid("cio_relationships", "cio_relationships is required");
        }
        if (!n.isArray()) {
            throw invalid("cio_relationships", "cio_relationships must be an array but was " + kind(n));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        int i = 0;
        for (JsonNode r : n) {
            if (!r.isObject()) {
                throw invalid("cio_relationships[" + i + "]", "relationship must be an object but was " + kind(r));
            }
            out.add(Json.MAPPER.convertValue(r, LinkedHashMap.class));
            i++;
        }
        return out;
    }

    private static String requiredText(JsonNode o, String name) {
        return requiredText(o, name, name);
    }

    private static String requiredText(JsonNode o, String name, String field) {
        String s = optionalText(o, name, field);
        if (s == null) {
            throw invalid(field, field + " is required");
        }
        return s;
    }

    private static String optionalText(JsonNode o, String name) {
        return optionalText(o, name, name);
    }

    private static String optionalText(JsonNode o, String name, String field) {
        JsonNode n = o.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw invalid(field, field + " must be a string but was " + kind(n));
        }
        return n.textValue();
    }

    private static Long optionalLong(JsonNode o, String name) {
        return optionalLong(o, name, name);
    }

    private static Long optionalLong(JsonNode o, String name, String field) {
        JsonNode n = o.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw invalid(field, field + " must be an integer (unix seconds) but was " + kind(n));
        }
        return n.longValue();
    }

    private static Map<String, Object> optionalObject(JsonNode o, String name) {
        return optionalObject(o, name, name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> optionalObject(JsonNode o, String name, String field) {
        JsonNode n = o.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw invalid(field, field + " must be an object but was " + kind(n));
        }
        return Json.MAPPER.convertValue(n, LinkedHashMap.class);
    }

    private static String kind(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        String t = n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        String text = n.toString();
        return t + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }

    private static ValidationException invalid(String field, String message) {
        return new ValidationException(new Violation(field, message, -1, -1));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Operation p && action == p.action && Objects.equals(identifiers, p.identifiers)
                && Objects.equals(name, p.name) && Objects.equals(id, p.id) && Objects.equals(timestamp, p.timestamp)
                && attributes.equals(p.attributes) && Objects.equals(device, p.device)
                && Objects.equals(primary, p.primary) && Objects.equals(secondary, p.secondary)
                && relationships.equals(p.relationships) && Objects.equals(object, p.object);
    }

    @Override
    public int hashCode() {
        return Objects.hash(action, identifiers, name, id, timestamp, attributes, device, primary, secondary,
                relationships, object);
    }

    @Override
    public String toString() {
        return "Operation{" + (object != null ? "object " + object.key() + " " : "") + action.wireName() + " " + personKey() + (name == null ? "" : " name=" + name)
                + (id == null ? "" : " id=" + id) + "}";
    }
}
