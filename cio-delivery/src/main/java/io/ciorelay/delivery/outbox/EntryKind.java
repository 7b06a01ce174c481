package io.ciorelay.delivery.outbox;

/** How a stored payload is delivered. Stored as its {@link #code()}; never renumber. */
public enum EntryKind {
  /** A Track API v2 person operation, sent inside {@code POST /api/v2/batch}. */
  V2_OPERATION(1),
  /** A v1 anonymous event body, sent alone to {@code POST /api/v1/events}. */
  V1_ANONYMOUS_EVENT(2);

  private final int code;

  EntryKind(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static EntryKind ofCode(int code) {
    for (EntryKind k : values()) {
      if (k.code == code) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown entry kind code " + code);
  }
}
