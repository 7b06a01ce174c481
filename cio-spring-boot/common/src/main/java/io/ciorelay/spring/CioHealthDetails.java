package io.ciorelay.spring;

import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.Workspaces;
import io.ciorelay.delivery.health.Health;
import io.ciorelay.delivery.health.HealthStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the {@code customerio} health indicators of both Boot versions report: the library's
 * {@link Health} as details, and its status mapped onto Boot's. DOWN is DOWN; DEGRADED (still
 * delivering, slowed or partly failing) is reported UP with {@code delivery=DEGRADED} and the
 * reasons, so probes do not restart an application that is delivering. With several workspaces
 * the details hold one entry per workspace and the status is the worst. Thread-safe.
 */
public final class CioHealthDetails {
  private final Map<String, Object> details;
  private final boolean down;

  private CioHealthDetails(Map<String, Object> details, boolean down) {
    this.details = details;
    this.down = down;
  }

  /** From a single delivery or from workspaces (exactly one non-null). */
  public static CioHealthDetails of(CustomerIo single, Workspaces several) {
    if (single == null && several == null) {
      // Several CustomerIo beans and no Workspaces: which one is meant is the application's call.
      return new CioHealthDetails(Map.of("delivery", "UNKNOWN", "reason",
          "more than one CustomerIo bean; define a bean named customerioHealthIndicator for them"), false);
    }
    if (single != null) {
      Health h = single.health();
      return new CioHealthDetails(details(h), h.status() == HealthStatus.DOWN);
    }
    Map<String, Object> all = new LinkedHashMap<>();
    HealthStatus worst = HealthStatus.UP;
    for (Map.Entry<String, Health> e : several.health().entrySet()) {
      all.put(e.getKey(), details(e.getValue()));
      if (e.getValue().status().compareTo(worst) > 0) {
        worst = e.getValue().status();
      }
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("delivery", worst.name());
    d.put("workspaces", all);
    return new CioHealthDetails(d, worst == HealthStatus.DOWN);
  }

  /** Whether Boot's status is DOWN (else UP). */
  public boolean down() {
    return down;
  }

  public Map<String, Object> details() {
    return details;
  }

  static Map<String, Object> details(Health h) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("delivery", h.status().name());
    if (!h.reasons().isEmpty()) {
      d.put("reasons", h.reasons());
    }
    d.put("breakerState", h.breakerState());
    d.put("backlog", h.backlog());
    d.put("backlogBytes", h.backlogBytes());
    d.put("oldestPendingAge", h.oldestPendingAge().toString());
    d.put("deadLetters", h.deadLetters());
    d.put("deliveredPerSecond", h.deliveredPerSecond());
    d.put("failures", h.failures());
    d.put("consecutiveFailures", h.consecutiveFailures());
    putIfSet(d, "lastSuccess", h.lastSuccess());
    putIfSet(d, "lastFailure", h.lastFailure());
    putIfSet(d, "lastError", h.lastError());
    putIfSet(d, "pausedUntil", h.pausedUntil());
    return d;
  }

  private static void putIfSet(Map<String, Object> d, String key, Object v) {
    if (v != null) {
      d.put(key, v.toString());
    }
  }
}
