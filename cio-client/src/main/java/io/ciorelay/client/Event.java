package io.ciorelay.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One event, page view or screen view to track for a person (Track API v1).
 *
 * <p>Defaults: type {@link EventType#EVENT}; no data, id or timestamp. {@code id} should be a ULID:
 * Customer.io ignores a repeated id, which makes retries safe. {@code timestamp} is in unix epoch
 * seconds. Limits (name ≤ 100 bytes, data ≤ 100,000 bytes) are checked by {@link Limits} when the
 * event is sent. Immutable and thread-safe (the data map is copied, shallowly).
 */
public final class Event {
    private final String name;
    private final EventType type;
    private final Map<String, Object> data;
    private final String id;
    private final Long timestamp;

    private Event(Builder b) {
        this.name = b.name;
        this.type = b.type;
        this.data = b.data;
        this.id = b.id;
        this.timestamp = b.timestamp;
    }

    /** Starts an event with this name (checked when sent). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Returns the name. */
    public String name() {
        return name;
    }

    /** Returns the type. */
    public EventType type() {
        return type;
    }

    /** Returns the event data, empty if none; unmodifiable. */
    public Map<String, Object> data() {
        return data;
    }

    /** Returns the de-duplication id (a ULID), or null. */
    public String id() {
        return id;
    }

    /** Returns the timestamp in unix seconds, or null. */
    public Long timestamp() {
        return timestamp;
    }

    /** Returns the v1 wire form; nulls and empty data are omitted. */
    Map<String, Object> toWire() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("type", type.wireName());
        if (!data.isEmpty()) {
            m.put("data", data);
        }
        if (id != null) {
            m.put("id", id);
        }
        if (timestamp != null) {
            m.put("timestamp", timestamp);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e && Objects.equals(name, e.name) && type == e.type && data.equals(e.data)
                && Objects.equals(id, e.id) && Objects.equals(timestamp, e.timestamp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, data, id, timestamp);
    }

    @Override
    public String toString() {
        return "Event{name=" + name + ", type=" + type + ", id=" + id + ", timestamp=" + timestamp + ", data=" + data.size()
                + " keys}";
    }

    /** Builder of {@link Event}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private EventType type = EventType.EVENT;
        private Map<String, Object> data = Map.of();
        private String id;
        private Long timestamp;

        private Builder(String name) {
            this.name = name;
        }

        /** Sets the type (default EVENT). @throws IllegalArgumentException if null */
        public Builder type(EventType type) {
            if (type == null) {
                throw new IllegalArgumentException("type must not be null but was null");
            }
            this.type = type;
            return this;
        }

        /** Sets the event data; null means none. The map is copied. */
        public Builder data(Map<String, ?> data) {
            this.data = copy(data);
            return this;
        }

        /** Sets the de-duplication id (a ULID); null means none. */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** Sets the timestamp in unix seconds; null means the time Customer.io receives it. */
        public Builder timestamp(Long epochSeconds) {
            this.timestamp = epochSeconds;
            return this;
        }

        /** Builds the event. */
        public Event build() {
            return new Event(this);
        }
    }

    static Map<String, Object> copy(Map<String, ?> m) {
        return m == null || m.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
