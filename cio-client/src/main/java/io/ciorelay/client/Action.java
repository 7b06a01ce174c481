package io.ciorelay.client;

import java.util.Locale;

/** A Track API v2 person action; the wire value is the lower snake case name. Thread-safe (an enum). */
public enum Action {
    IDENTIFY, DELETE, EVENT, PAGE, SCREEN, ADD_RELATIONSHIPS, DELETE_RELATIONSHIPS, ADD_DEVICE, DELETE_DEVICE,
    MERGE, SUPPRESS, UNSUPPRESS;

    /** Returns the wire value, e.g. {@code add_device}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
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
