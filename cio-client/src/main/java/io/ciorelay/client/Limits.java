package io.ciorelay.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The documented Customer.io Track API limits, and checks of input against them.
 *
 * <p>All sizes are UTF-8 bytes. An attribute value's size is the byte length of the string for
 * strings, and of its JSON encoding otherwise. {@link #MAX_OPERATION_BYTES} is 32,000 (not 32,768)
 * and {@link #MAX_BATCH_BYTES} 500,000 (not 512,000): the decimal reading, which is safe under
 * either reading of {@code 32 KB} and {@code < 500 KB}. Each {@code check*} method returns every violation it
 * finds (empty when valid); each {@code require*} method throws {@link ValidationException} with
 * them. Stateless and thread-safe.
 */
public final class Limits {
    /** Maximum person identifier size: 150 bytes. */
    public static final int MAX_ID_BYTES = 150;
    /** Maximum attribute name size: 150 bytes. */
    public static final int MAX_ATTRIBUTE_NAME_BYTES = 150;
    /** Maximum attribute value size: 1000 bytes. */
    public static final int MAX_ATTRIBUTE_VALUE_BYTES = 1000;
    /** Maximum number of attributes in one identify: 300. */
    public static final int MAX_ATTRIBUTES = 300;
    /** Maximum event name size: 100 bytes. */
    public static final int MAX_EVENT_NAME_BYTES = 100;
    /** Maximum size of an event's data as JSON: 100,000 bytes. */
    public static final int MAX_EVENT_DATA_BYTES = 100_000;
    /** Maximum size of one encoded v2 operation: 32,000 bytes. */
    public static final int MAX_OPERATION_BYTES = 32_000;
    /** Maximum size of a whole v2 batch request body: 500,000 bytes. */
    public static final int MAX_BATCH_BYTES = 500_000;

    private Limits() {
    }

    /** Returns the UTF-8 byte length of a string (0 for null). */
    public static int utf8Length(String s) {
        if (s == null) {
            return 0;
        }
        // Counted without encoding (this runs for every identifier, name and attribute), as
        // String.getBytes(UTF_8) would encode: a lone surrogate becomes one '?'.
        int n = 0;
        int len = s.length();
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    // ---- v1 ----

    /** Checks a person identifier in a v1 path: not blank, at most 150 bytes. */
    public static List<Violation> checkPersonId(String personId) {
        List<Violation> out = new ArrayList<>();
        identifier(out, "personId", personId);
        return out;
    }

    /** Checks an identify: the person id and the attributes (null attributes mean none). */
    public static List<Violation> checkIdentify(String personId, Map<String, ?> attributes) {
        List<Violation> out = checkPersonId(personId);
        attributes(out, "attributes", attributes);
        return out;
    }

    /** Checks an event for a person: the id and the event. */
    public static List<Violation> checkEvent(String personId, Event event) {
        List<Violation> out = checkPersonId(personId);
        event(out, event);
        return out;
    }

    /** Checks an anonymous event; the anonymous id may be null or empty, else at most 150 bytes. */
    public static List<Violation> checkAnonymousEvent(String anonymousId, Event event) {
        List<Violation> out = new ArrayList<>();
        if (anonymousId != null && !anonymousId.isEmpty()) {
            maxBytes(out, "anonymousId", "anonymous id", anonymousId, MAX_ID_BYTES);
        }
        event(out, event);
        return out;
    }

    /** Checks a device for a person: id, token, platform and device attributes. */
    public static List<Violation> checkDevice(String personId, Device device) {
        List<Violation> out = checkPersonId(personId);
        device(out, device, true);
        return out;
    }

    /** Checks a device removal: person id and device id. */
    public static List<Violation> checkDeleteDevice(String personId, String deviceId) {
        List<Violation> out = checkPersonId(personId);
        notBlank(out, "deviceId", deviceId);
        return out;
    }

    /** Checks a merge: both types present, both values not blank and at most 150 bytes. */
    public static List<Violation> checkMerge(IdentifierType primaryType, String primary, IdentifierType secondaryType,
            String secondary) {
        List<Violation> out = new ArrayList<>();
        if (primaryType == null) {
            out.add(new Violation("primaryType", "primaryType must not be null", -1, -1));
        }
        identifier(out, "primary", primary);
        if (secondaryType == null) {
            out.add(new Violation("secondaryType", "secondaryType must not be null", -1, -1));
        }
        identifier(out, "secondary", secondary);
        return out;
    }

    // ---- v2 ----

    /**
     * Checks one v2 operation: identifiers, name, attributes, device, relationships, timestamp, and
     * its encoded size (at most {@link #MAX_OPERATION_BYTES}).
     */
    public static List<Violation> check(Operation op) {
        return check(op, null);
    }

    /**
     * Like {@link #check(Operation)}, for a caller that has already encoded the operation with
     * {@link Operation#toJson()}: the encoded size is taken from {@code encoded} instead of encoding
     * again, and event data is not encoded separately when the whole operation is smaller than the
     * event-data limit (it cannot exceed it then). Same violations as {@link #check(Operation)}.
     *
     * @param encoded {@code op.toJson()}, or null to encode here
     */
    public static List<Violation> check(Operation op, byte[] encoded) {
        List<Violation> out = new ArrayList<>();
        if (op == null) {
            out.add(new Violation("operation", "operation must not be null", -1, -1));
            return out;
        }
        if (op.isObject()) {
            maxBytes(out, "identifiers.object_id", "object_id", op.object().id(), MAX_ID_BYTES);
            attributes(out, "attributes", op.attributes());
            if (op.action() == Action.IDENTIFY_ANONYMOUS && op.relationships().isEmpty()) {
                out.add(new Violation("cio_relationships",
                        "cio_relationships must contain at least 1 relationship but had 0", 1, 0));
            }
        } else if (op.action() == Action.MERGE) {
            identifier(out, "primary." + op.primary().type().wireKey(), op.primary().value());
            identifier(out, "secondary." + op.secondary().type().wireKey(), op.secondary().value());
        } else {
            identifier(out, "identifiers." + op.identifiers().type().wireKey(), op.identifiers().value());
        }
        if (op.id() != null && op.id().isBlank()) {
            out.add(new Violation("id", "id must not be blank when present", -1, -1));
        }
        if (op.timestamp() != null && op.timestamp() < 0) {
            out.add(new Violation("timestamp", "timestamp must be at least 0 but was " + op.timestamp(), 0,
                    op.timestamp()));
        }
        switch (op.isObject() ? Action.DELETE : op.action()) { // object checks are done above
            case IDENTIFY:
                attributes(out, "attributes", op.attributes());
                break;
            case EVENT:
            case PAGE:
            case SCREEN:
                eventName(out, "name", op.name());
                if (encoded == null || encoded.length > MAX_EVENT_DATA_BYTES) {
                    eventData(out, "attributes", op.attributes());
                }
                break;
            case ADD_DEVICE:
                device(out, op.device(), true);
                break;
            case DELETE_DEVICE:
                device(out, op.device(), false);
                break;
            case ADD_RELATIONSHIPS:
            case DELETE_RELATIONSHIPS:
                if (op.relationships().isEmpty()) {
                    out.add(new Violation("cio_relationships", "cio_relationships must contain at least 1 relationship but had 0",
                            1, 0));
                }
                for (int i = 0; i < op.relationships().size(); i++) {
                    if (op.relationships().get(i) == null) {
                        out.add(new Violation("cio_relationships[" + i + "]", "relationship must not be null", -1, -1));
                    }
                }
                break;
            default:
                break;
        }
        if (out.isEmpty()) {
            int size;
            try {
                size = encoded != null ? encoded.length : op.toJson().length;
            } catch (ValidationException e) {
                out.addAll(e.violations());
                return out;
            }
            if (size > MAX_OPERATION_BYTES) {
                out.add(new Violation("operation", "operation is " + size + " bytes encoded; the limit is "
                        + MAX_OPERATION_BYTES + " bytes", MAX_OPERATION_BYTES, size));
            }
        }
        return out;
    }

    /**
     * Checks a batch: at least one operation, each valid (fields prefixed {@code batch[i].}), and
     * the request body at most {@link #MAX_BATCH_BYTES}.
     */
    public static List<Violation> checkBatch(List<Operation> ops) {
        List<Violation> out = new ArrayList<>();
        if (ops == null || ops.isEmpty()) {
            out.add(new Violation("batch", "batch must contain at least 1 operation but had 0", 1, 0));
            return out;
        }
        List<byte[]> encoded = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            String prefix = "batch[" + i + "].";
            List<Violation> v = check(ops.get(i));
            for (Violation x : v) {
                out.add(x.prefixed(prefix));
            }
            if (v.isEmpty()) {
                encoded.add(ops.get(i).toJson());
            }
        }
        if (out.isEmpty()) {
            int size = batchSize(encoded);
            if (size > MAX_BATCH_BYTES) {
                out.add(new Violation("batch", "batch request is " + size + " bytes; the limit is " + MAX_BATCH_BYTES
                        + " bytes", MAX_BATCH_BYTES, size));
            }
        }
        return out;
    }

    /** Returns the size of {@code {"batch":[op1,op2,...]}} for these encoded operations. */
    static int batchSize(List<byte[]> encoded) {
        int size = "{\"batch\":[]}".length() + Math.max(0, encoded.size() - 1);
        for (byte[] b : encoded) {
            size += b.length;
        }
        return size;
    }

    /** Throws if there are violations. @throws ValidationException if the list is not empty */
    public static void require(List<Violation> violations) {
        if (!violations.isEmpty()) {
            throw new ValidationException(violations);
        }
    }

    /** Throws if the operation breaks a limit. @throws ValidationException with every violation */
    public static void require(Operation op) {
        require(check(op));
    }

    /** Throws if the batch breaks a limit. @throws ValidationException with every violation */
    public static void requireBatch(List<Operation> ops) {
        require(checkBatch(ops));
    }

    // ---- rules ----

    private static void identifier(List<Violation> out, String field, String value) {
        if (notBlank(out, field, value)) {
            maxBytes(out, field, field, value, MAX_ID_BYTES);
        }
    }

    private static boolean notBlank(List<Violation> out, String field, String value) {
        if (value == null || value.isBlank()) {
            out.add(new Violation(field, field + " must not be blank but was "
                    + (value == null ? "null" : "'" + value + "'"), -1, -1));
            return false;
        }
        return true;
    }

    private static void maxBytes(List<Violation> out, String field, String what, String value, int limit) {
        int n = utf8Length(value);
        if (n > limit) {
            out.add(new Violation(field, what + " is " + n + " bytes; the limit is " + limit + " bytes", limit, n));
        }
    }

    private static void event(List<Violation> out, Event e) {
        if (e == null) {
            out.add(new Violation("event", "event must not be null", -1, -1));
            return;
        }
        eventName(out, "name", e.name());
        eventData(out, "data", e.data());
        if (e.id() != null && e.id().isBlank()) {
            out.add(new Violation("id", "id must not be blank when present", -1, -1));
        }
        if (e.timestamp() != null && e.timestamp() < 0) {
            out.add(new Violation("timestamp", "timestamp must be at least 0 but was " + e.timestamp(), 0,
                    e.timestamp()));
        }
    }

    private static void eventName(List<Violation> out, String field, String name) {
        if (name == null || name.isBlank()) {
            out.add(new Violation(field, "event name must not be blank but was "
                    + (name == null ? "null" : "'" + name + "'"), -1, -1));
            return;
        }
        maxBytes(out, field, "event name", name, MAX_EVENT_NAME_BYTES);
    }

    private static void eventData(List<Violation> out, String field, Map<String, ?> data) {
        if (data == null || data.isEmpty()) {
            return;
        }
        if (data.containsKey(null)) {
            out.add(new Violation(field, "event data must not contain a null key", -1, -1));
            return;
        }
        try {
            int n = Json.write(data, field).length;
            if (n > MAX_EVENT_DATA_BYTES) {
                out.add(new Violation(field, "event data is " + n + " bytes; the limit is " + MAX_EVENT_DATA_BYTES
                        + " bytes", MAX_EVENT_DATA_BYTES, n));
            }
        } catch (ValidationException e) {
            out.addAll(e.violations());
        }
    }

    private static void attributes(List<Violation> out, String field, Map<String, ?> attributes) {
        if (attributes == null) {
            return;
        }
        if (attributes.size() > MAX_ATTRIBUTES) {
            out.add(new Violation(field, "there are " + attributes.size() + " attributes; the limit is "
                    + MAX_ATTRIBUTES + " attributes", MAX_ATTRIBUTES, attributes.size()));
        }
        for (Map.Entry<String, ?> e : attributes.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isBlank()) {
                out.add(new Violation(field, "attribute name must not be blank but was "
                        + (name == null ? "null" : "'" + name + "'"), -1, -1));
                continue;
            }
            int nameBytes = utf8Length(name);
            Object value = e.getValue();
            if (nameBytes <= MAX_ATTRIBUTE_NAME_BYTES && isShortScalar(value)) {
                continue; // the common case, checked without building the field name
            }
            String f = field + "." + name;
            if (nameBytes > MAX_ATTRIBUTE_NAME_BYTES) {
                out.add(new Violation(f, "attribute name '" + abbreviate(name) + "' is " + nameBytes
                        + " bytes; the limit is " + MAX_ATTRIBUTE_NAME_BYTES + " bytes", MAX_ATTRIBUTE_NAME_BYTES,
                        nameBytes));
            }
            int valueBytes;
            try {
                valueBytes = valueSize(value, f);
            } catch (ValidationException ex) {
                out.addAll(ex.violations());
                continue;
            }
            if (valueBytes > MAX_ATTRIBUTE_VALUE_BYTES) {
                out.add(new Violation(f, "value for attribute '" + abbreviate(name) + "' is " + valueBytes
                        + " bytes; the limit is " + MAX_ATTRIBUTE_VALUE_BYTES + " bytes", MAX_ATTRIBUTE_VALUE_BYTES,
                        valueBytes));
            }
        }
    }

    private static void device(List<Violation> out, Device d, boolean add) {
        if (d == null) {
            out.add(new Violation("device", "device must not be null", -1, -1));
            return;
        }
        notBlank(out, "device.token", d.token());
        if (add) {
            notBlank(out, "device.platform", d.platform());
            attributes(out, "device.attributes", d.attributes());
        }
        if (d.lastUsed() != null && d.lastUsed() < 0) {
            out.add(new Violation("device.last_used", "device.last_used must be at least 0 but was " + d.lastUsed(),
                    0, d.lastUsed()));
        }
    }

    /**
     * Whether the value is certainly within the attribute value limit and encodable: a string of at
     * most {@code MAX_ATTRIBUTE_VALUE_BYTES / 3} chars (3 UTF-8 bytes per char at most), an integral
     * number, a finite double, a boolean or null.
     */
    private static boolean isShortScalar(Object v) {
        return v == null || v instanceof Boolean || v instanceof Integer || v instanceof Long
                || (v instanceof Double d && Double.isFinite(d))
                || (v instanceof String s && s.length() <= MAX_ATTRIBUTE_VALUE_BYTES / 3);
    }

    static int valueSize(Object value, String field) {
        if (value instanceof CharSequence) {
            return utf8Length(value.toString());
        }
        return Json.write(value, field).length;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
