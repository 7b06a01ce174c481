package io.ciorelay.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The identifiers of a Customer.io object (a company, account, …): its object type id (a number
 * as text, {@code "1"} for the workspace's first object type) and its object id.
 *
 * <p>Sizes are checked by {@link Limits} (object id at most 150 bytes). Immutable and thread-safe;
 * equal by type and id.
 */
public final class ObjectIdentifiers {
    /** The object type id used when none is given: {@value}. */
    public static final String DEFAULT_TYPE_ID = "1";

    private final String typeId;
    private final String id;

    private ObjectIdentifiers(String typeId, String id) {
        this.typeId = typeId;
        this.id = id;
    }

    /**
     * Creates object identifiers.
     *
     * @throws ValidationException if either value is null or blank (fields {@code identifiers.object_type_id},
     *     {@code identifiers.object_id})
     */
    public static ObjectIdentifiers of(String typeId, String id) {
        if (typeId == null || typeId.isBlank()) {
            throw new ValidationException(new Violation("identifiers.object_type_id",
                    "object_type_id must not be blank but was " + (typeId == null ? "null" : "'" + typeId + "'"), -1, -1));
        }
        if (id == null || id.isBlank()) {
            throw new ValidationException(new Violation("identifiers.object_id",
                    "object_id must not be blank but was " + (id == null ? "null" : "'" + id + "'"), -1, -1));
        }
        return new ObjectIdentifiers(typeId, id);
    }

    /** Returns the object type id, e.g. {@code "1"}. */
    public String typeId() {
        return typeId;
    }

    /** Returns the object id. */
    public String id() {
        return id;
    }

    /** Returns the wire form {@code {"object_type_id":"1","object_id":"acme"}}. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("object_type_id", typeId);
        m.put("object_id", id);
        return m;
    }

    /** Returns {@code object:<type>/<id>}, a stable partitioning key. */
    public String key() {
        return "object:" + typeId + "/" + id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectIdentifiers i && typeId.equals(i.typeId) && id.equals(i.id);
    }

    @Override
    public int hashCode() {
        return Objects.hash(typeId, id);
    }

    @Override
    public String toString() {
        return key();
    }
}
