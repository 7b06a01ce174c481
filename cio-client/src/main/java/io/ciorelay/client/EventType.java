package io.ciorelay.client;

import java.util.Locale;

/** The kind of a tracked event: a plain event, a page view or a screen view. Thread-safe (an enum). */
public enum EventType {
    /** A named event; wire {@code event}. */
    EVENT,
    /** A web page view, named by URL or path; wire {@code page}. */
    PAGE,
    /** A mobile screen view; wire {@code screen}. */
    SCREEN;

    /** Returns the wire value: {@code event}, {@code page} or {@code screen}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
