package io.ciorelay.client;

import java.util.Locale;

/** A kind of person identifier in Customer.io. Thread-safe (an enum). */
public enum IdentifierType {
    /** Wire key {@code id}. */
    ID,
    /** Wire key {@code email}. */
    EMAIL,
    /** Wire key {@code cio_id}. */
    CIO_ID,
    /** Wire key {@code phone} (E.164; v2 only, when enabled in the workspace). */
    PHONE;

    /** Computed once: the wire form is read for every operation. */
    private final String wire = name().toLowerCase(Locale.ROOT);

    /** Returns the wire key: {@code id}, {@code email}, {@code cio_id} or {@code phone}. */
    public String wireKey() {
        return wire;
    }

    /** Returns the type with this wire key, or null if none. */
    static IdentifierType fromWireKey(String key) {
        for (IdentifierType t : values()) {
            if (t.wireKey().equals(key)) {
                return t;
            }
        }
        return null;
    }
}
