package io.ciorelay.simulator;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the simulator fails API requests during an outage window ({@link Faults#outage(java.time.Duration,
 * OutageMode)}). Each mode has the name the control endpoint uses ({@link #wireName()}).
 */
public enum OutageMode {
  /** Answer every request with {@code 503 Service Unavailable}. Nothing is recorded. */
  SERVICE_UNAVAILABLE("unavailable"),
  /** Drop the connection without any response, as a crashed or reset server would. Nothing is recorded. */
  CONNECTION_RESET("reset"),
  /**
   * Read the request, then send nothing — no status line, no headers — until the window ends (or
   * the simulator closes), then drop the connection. Nothing is recorded.
   */
  HANG_BEFORE_HEADERS("hang"),
  /**
   * Send {@code 200} headers with {@code Content-Length: 100} and the first two bytes of the body,
   * then nothing until the window ends (or the simulator closes), then drop the connection: a body
   * that stalls after the headers. Nothing is recorded.
   */
  STALL_AFTER_HEADERS("stall-body"),
  /**
   * Handle the request normally (authentication, rate limit, validation, record), then drop the
   * connection instead of answering: the server stored the operations, the acknowledgement is lost.
   * Validation refusals (400) lose their answer too; a request refused by authentication (401) or
   * the rate limit (429) is answered as usual.
   */
  LOST_ACKNOWLEDGEMENT("lost-ack"),
  /** Answer {@code 404} with an HTML page, as a web server at the wrong address would. Nothing is recorded. */
  NOT_FOUND("not-found"),
  /**
   * Answer {@code 302 Found} with a {@code Location} elsewhere on the simulator ({@code /moved/...}),
   * as a misconfigured proxy or a wrong host would. Nothing is recorded.
   */
  REDIRECT("redirect"),
  /** Answer {@code 401} in the API's error shape, as for revoked or wrong credentials. Nothing is recorded. */
  UNAUTHORIZED("unauthorized"),
  /**
   * Answer {@code 429} with {@code Retry-After} (whole seconds until the window ends, at least 1).
   * Nothing is recorded.
   */
  RATE_LIMITED("rate-limited"),
  /** Answer {@code 429} without {@code Retry-After}. Nothing is recorded. */
  RATE_LIMITED_NO_RETRY_AFTER("rate-limited-no-retry-after");

  private final String wireName;

  OutageMode(String wireName) {
    this.wireName = wireName;
  }

  /** The name used by the control endpoint ({@code "outage":{"mode":...}}). */
  public String wireName() {
    return wireName;
  }

  /**
   * The mode with this control-endpoint name ({@code "503"} is accepted for {@link #SERVICE_UNAVAILABLE}).
   *
   * @throws IllegalArgumentException naming the accepted values if there is none
   */
  public static OutageMode fromWireName(String name) {
    if ("503".equals(name)) {
      return SERVICE_UNAVAILABLE;
    }
    for (OutageMode m : values()) {
      if (m.wireName.equals(name) || m.name().equals(name == null ? null : name.toUpperCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException("outage.mode must be one of "
        + Arrays.stream(values()).map(OutageMode::wireName).collect(Collectors.joining(", ")) + " but was " + name);
  }
}
