package io.ciorelay.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a Track API v2 {@link Operation} onto the Segment-spec calls the Customer.io Data Pipelines
 * API takes — the reverse of the mapping Segment's Customer.io destination applies:
 *
 * <ul>
 *   <li>person {@code identify} → identify ({@code attributes} → {@code traits}); {@code event},
 *       {@code page}, {@code screen} → track / page / screen ({@code attributes} →
 *       {@code properties});
 *   <li>{@code delete}, {@code suppress}, {@code unsuppress} → track {@code User Deleted},
 *       {@code User Suppressed}, {@code User Unsuppressed}; {@code add_device} / {@code delete_device}
 *       → track {@code Device Created or Updated} / {@code Device Deleted} with
 *       {@code context.device}; {@code merge} → alias;
 *   <li>{@code add_relationships} → one group per relationship; {@code delete_relationships} → one
 *       track {@code Relationship Deleted} per relationship;
 *   <li>object {@code identify} / {@code identify_anonymous} → one group per related person (object
 *       type in {@code traits.objectTypeId}); object {@code delete} → track {@code Object Deleted}
 *       (with the object's key as {@code anonymousId}, since a call needs a person).
 * </ul>
 *
 * <p>Person identifiers become {@code userId}: {@code id} as is, {@code email} as the address,
 * {@code cio_id} with the {@code cio_} prefix, so the destination's identifier rule maps them back.
 * A {@code phone} identifier has no Segment-spec equivalent and is refused. {@code messageId}: an
 * event's ULID {@code id}, else {@code seed} (with {@code -<n>} for the second and later calls of
 * one operation), so a retry re-sends the same messageId. Timestamps (unix seconds) become
 * ISO-8601. Stateless and thread-safe.
 */
public final class SegmentCalls {
    private SegmentCalls() {
    }

    /**
     * The calls for one operation, in order.
     *
     * @param seed the messageId of an operation without an event id (a stable per-operation value,
     *             such as its outbox sequence), not null
     * @throws ValidationException (field {@code identifiers.phone}) for a phone identifier, or an
     *     object operation without the relationship a call needs
     */
    public static List<Map<String, Object>> toCalls(Operation op, String seed) {
        List<Map<String, Object>> out = new ArrayList<>();
        String messageId = op.id() != null ? op.id() : seed;
        if (op.isObject()) {
            objectCalls(op, messageId, out);
            return out;
        }
        switch (op.action()) {
            case IDENTIFY: {
                Map<String, Object> c = call("identify", messageId, op, user(op.identifiers()));
                c.put("traits", op.attributes());
                out.add(c);
                break;
            }
            case EVENT: {
                Map<String, Object> c = call("track", messageId, op, user(op.identifiers()));
                c.put("event", op.name());
                c.put("properties", op.attributes());
                out.add(c);
                break;
            }
            case PAGE:
            case SCREEN: {
                Map<String, Object> c = call(op.action() == Action.PAGE ? "page" : "screen", messageId, op,
                        user(op.identifiers()));
                c.put("name", op.name());
                c.put("properties", op.attributes());
                out.add(c);
                break;
            }
            case DELETE:
                out.add(semantic("User Deleted", messageId, op));
                break;
            case SUPPRESS:
                out.add(semantic("User Suppressed", messageId, op));
                break;
            case UNSUPPRESS:
                out.add(semantic("User Unsuppressed", messageId, op));
                break;
            case ADD_DEVICE:
            case DELETE_DEVICE: {
                boolean add = op.action() == Action.ADD_DEVICE;
                Map<String, Object> c = semantic(add ? "Device Created or Updated" : "Device Deleted", messageId, op);
                Map<String, Object> device = new LinkedHashMap<>();
                device.put("token", op.device().token());
                if (op.device().platform() != null) {
                    device.put("type", op.device().platform());
                }
                c.put("context", Map.of("device", device));
                if (add && op.timestamp() == null && op.device().lastUsed() != null) {
                    c.put("timestamp", Instant.ofEpochSecond(op.device().lastUsed()).toString());
                }
                if (add && !op.device().attributes().isEmpty()) {
                    c.put("properties", op.device().attributes());
                }
                out.add(c);
                break;
            }
            case MERGE: {
                Map<String, Object> c = call("alias", messageId, op, user(op.primary()));
                c.put("previousId", user(op.secondary()));
                out.add(c);
                break;
            }
            case ADD_RELATIONSHIPS:
            case DELETE_RELATIONSHIPS: {
                String u = user(op.identifiers());
                for (int i = 0; i < op.relationships().size(); i++) {
                    Map<String, Object> rel = op.relationships().get(i);
                    Map<?, ?> ids = rel.get("identifiers") instanceof Map<?, ?> m ? m : Map.of();
                    String mid = i == 0 ? messageId : messageId + "-" + (i + 1);
                    if (op.action() == Action.ADD_RELATIONSHIPS) {
                        Map<String, Object> c = call("group", mid, op, u);
                        c.put("groupId", String.valueOf(ids.get("object_id")));
                        Map<String, Object> traits = new LinkedHashMap<>();
                        traits.put("objectTypeId", String.valueOf(ids.get("object_type_id")));
                        if (rel.get("relationship_attributes") instanceof Map<?, ?> ra && !ra.isEmpty()) {
                            traits.put("relationshipAttributes", ra);
                        }
                        c.put("traits", traits);
                        out.add(c);
                    } else {
                        Map<String, Object> c = call("track", mid, op, u);
                        c.put("event", "Relationship Deleted");
                        c.put("properties", objectProperties(String.valueOf(ids.get("object_id")),
                                String.valueOf(ids.get("object_type_id"))));
                        out.add(c);
                    }
                }
                break;
            }
            default:
                throw new IllegalArgumentException("action " + op.action() + " is not a person action");
        }
        return out;
    }

    private static void objectCalls(Operation op, String messageId, List<Map<String, Object>> out) {
        ObjectIdentifiers object = op.object();
        if (op.action() == Action.DELETE) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("type", "track");
            c.put("messageId", messageId);
            c.put("anonymousId", object.key());
            c.put("event", "Object Deleted");
            c.put("properties", objectProperties(object.id(), object.typeId()));
            timestamp(c, op);
            out.add(c);
            return;
        }
        if (op.relationships().isEmpty()) {
            throw new ValidationException(new Violation("cio_relationships", "an object identify without"
                    + " cio_relationships has no Segment-spec call (a group call needs a person)", 1, 0));
        }
        for (int i = 0; i < op.relationships().size(); i++) {
            Map<String, Object> rel = op.relationships().get(i);
            Map<?, ?> ids = rel.get("identifiers") instanceof Map<?, ?> m ? m : Map.of();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("type", "group");
            c.put("messageId", i == 0 ? messageId : messageId + "-" + (i + 1));
            if (ids.get("anonymous_id") instanceof String anon) {
                c.put("anonymousId", anon);
            } else if (ids.size() == 1) {
                Map.Entry<?, ?> e = ids.entrySet().iterator().next();
                IdentifierType t = IdentifierType.fromWireKey(String.valueOf(e.getKey()));
                if (t == null) {
                    throw new ValidationException(new Violation("cio_relationships[" + i + "].identifiers",
                            "unknown person identifier '" + e.getKey() + "'", -1, -1));
                }
                c.put("userId", user(Identifiers.of(t, String.valueOf(e.getValue()))));
            } else {
                throw new ValidationException(new Violation("cio_relationships[" + i + "].identifiers",
                        "a relationship needs exactly one person identifier", -1, -1));
            }
            c.put("groupId", object.id());
            Map<String, Object> traits = new LinkedHashMap<>(op.attributes());
            traits.put("objectTypeId", object.typeId());
            if (rel.get("relationship_attributes") instanceof Map<?, ?> ra && !ra.isEmpty()) {
                traits.put("relationshipAttributes", ra);
            }
            c.put("traits", traits);
            timestamp(c, op);
            out.add(c);
        }
    }

    private static Map<String, Object> semantic(String event, String messageId, Operation op) {
        Map<String, Object> c = call("track", messageId, op, user(op.identifiers()));
        c.put("event", event);
        return c;
    }

    private static Map<String, Object> call(String type, String messageId, Operation op, String userId) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        c.put("messageId", messageId);
        c.put("userId", userId);
        timestamp(c, op);
        return c;
    }

    private static void timestamp(Map<String, Object> c, Operation op) {
        if (op.timestamp() != null) {
            c.put("timestamp", Instant.ofEpochSecond(op.timestamp()).toString());
        }
    }

    private static Map<String, Object> objectProperties(String id, String typeId) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("objectId", id);
        p.put("objectTypeId", typeId);
        return p;
    }

    /** The Segment userId of a person identifier. @throws ValidationException for a phone */
    static String user(Identifiers ids) {
        switch (ids.type()) {
            case CIO_ID:
                return "cio_" + ids.value();
            case PHONE:
                throw new ValidationException(new Violation("identifiers.phone",
                        "a phone identifier has no Segment-spec equivalent (userId would be read as an id)", -1, -1));
            default:
                return ids.value();
        }
    }
}
