package io.ciorelay.client;

import java.util.Map;
import java.util.Objects;

/**
 * Exactly one person identifier: an {@code id}, {@code email}, {@code cio_id} or {@code phone}.
 *
 * <p>Holding one type and one value makes the "exactly one identifier" rule impossible to break.
 * Size limits are checked by {@link Limits}. Immutable and thread-safe; equal by type and value.
 */
public final class Identifiers {
    private final IdentifierType type;
    private final String value;

    private Identifiers(IdentifierType type, String value) {
        this.type = type;
        this.value = value;
    }

    /**
     * Creates an identifier.
     *
     * @throws ValidationException if the type is null or the value null or blank (field: the wire key)
     */
    public static Identifiers of(IdentifierType type, String value) {
        if (type == null) {
            throw new ValidationException(new Violation("identifiers", "identifier type must not be null", -1, -1));
        }
        if (value == null || value.isBlank()) {
            throw new ValidationException(new Violation("identifiers." + type.wireKey(),
                    type.wireKey() + " must not be blank but was " + (value == null ? "null" : "'" + value + "'"), -1, -1));
        }
        return new Identifiers(type, value);
    }

    /** Identifies a person by {@code id}. @throws ValidationException if blank */
    public static Identifiers id(String id) {
        return of(IdentifierType.ID, id);
    }

    /** Identifies a person by {@code email}. @throws ValidationException if blank */
    public static Identifiers email(String email) {
        return of(IdentifierType.EMAIL, email);
    }

    /** Identifies a person by {@code cio_id}. @throws ValidationException if blank */
    public static Identifiers cioId(String cioId) {
        return of(IdentifierType.CIO_ID, cioId);
    }

    /** Identifies a person by {@code phone}. @throws ValidationException if blank */
    public static Identifiers phone(String phone) {
        return of(IdentifierType.PHONE, phone);
    }

    /** Returns the identifier type. */
    public IdentifierType type() {
        return type;
    }

    /** Returns the identifier value. */
    public String value() {
        return value;
    }

    /** Returns the wire form, e.g. {@code {"id":"42"}}. */
    public Map<String, String> toMap() {
        return Map.of(type.wireKey(), value);
    }

    /** Returns {@code type:value}, e.g. {@code id:42}; used as a stable partitioning key. */
    public String key() {
        return type.wireKey() + ":" + value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Identifiers i && type == i.type && value.equals(i.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, value);
    }

    @Override
    public String toString() {
        return key();
    }
}
