package io.ciorelay.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One operation the simulator accepted, in the compact form kept by {@link Records}: what it was,
 * whom it named, and when it arrived. Attributes are kept as the UTF-8 JSON text they arrived as
 * and decoded only on request, so a record of hundreds of thousands of operations stays small.
 * Immutable and thread-safe.
 */
public final class RecordedOperation {

  /** The kind of entity an operation is about (Track API v2 {@code type}). */
  public enum Type {
    PERSON, OBJECT, DELIVERY;

    /** The wire name, e.g. {@code person}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What an operation does; v2 actions plus the v1-only endpoints. */
  public enum Action {
    IDENTIFY, IDENTIFY_ANONYMOUS, DELETE, EVENT, PAGE, SCREEN, ADD_RELATIONSHIPS,
    DELETE_RELATIONSHIPS, ADD_DEVICE, DELETE_DEVICE, MERGE, SUPPRESS, UNSUPPRESS,
    /** v1 {@code POST /api/v1/segments/{id}/add_customers}; the segment id is the name. */
    SEGMENT_ADD,
    /** v1 {@code POST /api/v1/segments/{id}/remove_customers}; the segment id is the name. */
    SEGMENT_REMOVE,
    /** v1 {@code POST /api/v1/forms/{id}/submit}; the form id is the name. */
    FORM_SUBMIT,
    /** v1 {@code POST /api/v1/metrics}; the metric is the name. */
    METRIC,
    /** v1 {@code POST /api/v1/push/events}; the push event is the name. */
    PUSH_EVENT,
    /** {@code POST /unsubscribe/{delivery_id}}. */
    UNSUBSCRIBE;

    /** The wire name, e.g. {@code add_device}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** True for event, page and screen: the actions that carry a name and a dedup id. */
    public boolean isEvent() {
      return this == EVENT || this == PAGE || this == SCREEN;
    }
  }

  private final long sequence;
  private final long arrivalEpochMillis;
  private final Type type;
  private final Action action;
  private final boolean v2;
  private final String idType;
  private final String idValue;
  private final String secondaryType;
  private final String secondaryValue;
  private final String name;
  private final String eventId;
  private final String deviceToken;
  private final long timestamp;
  private final byte[] attributesJson;
  private final int retryCount;

  RecordedOperation(Builder b, long sequence, long arrivalEpochMillis, int retryCount) {
    this.sequence = sequence;
    this.arrivalEpochMillis = arrivalEpochMillis;
    this.retryCount = retryCount;
    this.type = b.type;
    this.action = b.action;
    this.v2 = b.v2;
    this.idType = b.idType;
    this.idValue = b.idValue;
    this.secondaryType = b.secondaryType;
    this.secondaryValue = b.secondaryValue;
    this.name = b.name;
    this.eventId = b.eventId;
    this.deviceToken = b.deviceToken;
    this.timestamp = b.timestamp;
    this.attributesJson = b.attributesJson;
  }

  /** Position in arrival order across the whole simulator, starting at 0 after each reset. */
  public long sequence() {
    return sequence;
  }

  /** When the request carrying it arrived, in milliseconds since the epoch. */
  public long arrivalEpochMillis() {
    return arrivalEpochMillis;
  }

  public Type type() {
    return type;
  }

  public Action action() {
    return action;
  }

  /**
   * The {@code X-Retry-Count} header of the request that delivered it: 0 when absent, -1 when not
   * a number.
   */
  public int retryCount() {
    return retryCount;
  }

  /** True if it came through {@code /api/v2}, false for a v1 endpoint. */
  public boolean v2() {
    return v2;
  }

  /** The person (or object, delivery) it names, or null when it names none (anonymous invite, metric). */
  public Identifier identifier() {
    return idType == null ? null : new Identifier(idType, idValue);
  }

  /** The identifier's value, or null. */
  public String identifierValue() {
    return idValue;
  }

  /** For a merge, the secondary person; otherwise null. The primary is {@link #identifier()}. */
  public Identifier secondary() {
    return secondaryType == null ? null : new Identifier(secondaryType, secondaryValue);
  }

  /** Event, page or screen name (trimmed); segment, form or metric id for the v1-only actions; else null. */
  public String name() {
    return name;
  }

  /** The event's {@code id} (the de-duplication key), or null if none was sent. */
  public String eventId() {
    return eventId;
  }

  /** The device token for add_device / delete_device, else null. */
  public String deviceToken() {
    return deviceToken;
  }

  /** The operation's own {@code timestamp} (unix seconds), or 0 when it carried none. */
  public long timestamp() {
    return timestamp;
  }

  /**
   * The attributes as JSON text: identify attributes, event data (v1 {@code data}, v2
   * {@code attributes}), the device object, or the body of v1-only calls; {@code null} if none.
   */
  public String attributesJson() {
    return attributesJson == null ? null : new String(attributesJson, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "#" + sequence + " " + (v2 ? "v2 " : "v1 ") + type.wireName() + " " + action.wireName()
        + (idType == null ? "" : " " + idType + ":" + idValue)
        + (secondaryType == null ? "" : " <- " + secondaryType + ":" + secondaryValue)
        + (name == null ? "" : " name=" + name)
        + (eventId == null ? "" : " id=" + eventId);
  }

  static Builder builder(Type type, Action action, boolean v2) {
    return new Builder(type, action, v2);
  }

  /** Mutable, single-threaded collector of one operation's fields while a request is parsed. */
  static final class Builder {
    final Type type;
    final Action action;
    final boolean v2;
    String idType;
    String idValue;
    String secondaryType;
    String secondaryValue;
    String name;
    String eventId;
    String deviceToken;
    long timestamp;
    byte[] attributesJson;

    private Builder(Type type, Action action, boolean v2) {
      this.type = type;
      this.action = action;
      this.v2 = v2;
    }

    Builder identifier(String type, String value) {
      this.idType = type;
      this.idValue = value;
      return this;
    }

    Builder secondary(String type, String value) {
      this.secondaryType = type;
      this.secondaryValue = value;
      return this;
    }

    Builder name(String name) {
      this.name = name;
      return this;
    }

    Builder eventId(String eventId) {
      this.eventId = eventId;
      return this;
    }

    Builder deviceToken(String token) {
      this.deviceToken = token;
      return this;
    }

    Builder timestamp(long timestamp) {
      this.timestamp = timestamp;
      return this;
    }

    Builder attributes(byte[] json) {
      this.attributesJson = json;
      return this;
    }
  }
}
