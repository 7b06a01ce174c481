package io.ciorelay.client;

import java.util.Locale;

/**
 * A Track API v2 action; the wire value is the lower snake case name. Person operations use all but
 * {@link #IDENTIFY_ANONYMOUS}; object operations use {@link #IDENTIFY}, {@link #IDENTIFY_ANONYMOUS} and
 * {@link #DELETE}. Thread-safe (an enum).
 */
public enum Action {
    /** Create or update a person's attributes; wire {@code identify}. */
    IDENTIFY,
    /** Delete a person; wire {@code delete}. */
    DELETE,
    /** Track an event; wire {@code event}. */
    EVENT,
    /** Track a page view; wire {@code page}. */
    PAGE,
    /** Track a screen view; wire {@code screen}. */
    SCREEN,
    /** Relate a person to objects; wire {@code add_relationships}. */
    ADD_RELATIONSHIPS,
    /** Remove relationships to objects; wire {@code delete_relationships}. */
    DELETE_RELATIONSHIPS,
    /** Add or update a device; wire {@code add_device}. */
    ADD_DEVICE,
    /** Remove a device; wire {@code delete_device}. */
    DELETE_DEVICE,
    /** Merge a secondary person into a primary; wire {@code merge}. */
    MERGE,
    /** Delete a person and block their identifiers; wire {@code suppress}. */
    SUPPRESS,
    /** Lift a suppression; wire {@code unsuppress}. */
    UNSUPPRESS,
    /** Create or update an object related to an anonymous person (object operations only); wire {@code identify_anonymous}. */
    IDENTIFY_ANONYMOUS;

    /** Computed once: the wire form is read for every operation. */
    private final String wire = name().toLowerCase(Locale.ROOT);

    /** Returns the wire value, e.g. {@code add_device}. */
    public String wireName() {
        return wire;
    }

    /** Returns the action with this wire value, or null if none. */
    static Action fromWireName(String s) {
        for (Action a : values()) {
            if (a.wireName().equals(s)) {
                return a;
            }
        }
        return null;
    }

    boolean isEventLike() {
        return this == EVENT || this == PAGE || this == SCREEN;
    }
}
