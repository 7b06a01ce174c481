package io.ciorelay.simulator;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A canned answer queued with {@link Faults#enqueue(ScriptedResponse...)}: the next API request
 * gets this status, body and headers instead of normal processing, and nothing it carries is
 * recorded as accepted. Immutable and thread-safe.
 */
public final class ScriptedResponse {
  private final int status;
  private final byte[] body;
  private final Map<String, String> headers;

  private ScriptedResponse(int status, byte[] body, Map<String, String> headers) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }

  /**
   * A response with the given status, body {@code {}} and content type JSON.
   *
   * @throws IllegalArgumentException if status is not in 100..599
   */
  public static ScriptedResponse of(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be in 100..599 but was " + status);
    }
    return new ScriptedResponse(status, "{}".getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** A copy with this body (UTF-8). */
  public ScriptedResponse withBody(String body) {
    Objects.requireNonNull(body, "body");
    return new ScriptedResponse(status, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  /** A copy with this header added (a later value for the same name wins). */
  public ScriptedResponse withHeader(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new ScriptedResponse(status, body, Map.copyOf(copy));
  }

  public int status() {
    return status;
  }

  public String body() {
    return new String(body, StandardCharsets.UTF_8);
  }

  byte[] bodyBytes() {
    return body;
  }

  public Map<String, String> headers() {
    return headers;
  }

  @Override
  public String toString() {
    return "ScriptedResponse{" + status + ", headers=" + headers + ", body=" + body() + "}";
  }
}
