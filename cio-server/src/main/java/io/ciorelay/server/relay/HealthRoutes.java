package io.ciorelay.server.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ciorelay.delivery.Workspaces;
import java.util.Map;
import io.ciorelay.delivery.health.Health;
import io.ciorelay.delivery.health.HealthStatus;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Health and metrics routes (no authentication): {@code /health/live} (200 while the process
 * serves), {@code /health/ready} (200 when accepting work; 503 when shutting down or the store is
 * failing), {@code /health/customerio} (the delivery snapshot; 200 while delivering — UP or
 * DEGRADED — and 503 when the breaker is open or delivery is DOWN), and {@code /metrics}
 * (Prometheus text). Thread-safe.
 */
public final class HealthRoutes {
  private final Workspaces workspaces;
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier accepting;

  HealthRoutes(Workspaces workspaces, PrometheusMeterRegistry registry, BooleanSupplier accepting) {
    this.workspaces = workspaces;
    this.registry = registry;
    this.accepting = accepting;
  }

  void register(Javalin app) {
    app.get("/health/live", ctx -> json(ctx, 200, JsonBodies.MAPPER.createObjectNode().put("status", "UP")));
    app.get("/health/ready", this::ready);
    app.get("/health/customerio", this::customerio);
    app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
  }

  private void ready(Context ctx) {
    ObjectNode n = JsonBodies.MAPPER.createObjectNode();
    if (!accepting.getAsBoolean()) {
      json(ctx, 503, n.put("status", "DOWN").put("reason", "shutting down"));
      return;
    }
    for (Map.Entry<String, Health> e : workspaces.health().entrySet()) {
      String storeProblem = e.getValue().reasons().stream().filter(r -> r.startsWith("outbox failing")).findFirst().orElse(null);
      if (storeProblem != null) {
        String prefix = workspaces.names().size() > 1 ? "workspace " + e.getKey() + ": " : "";
        json(ctx, 503, n.put("status", "DOWN").put("reason", prefix + storeProblem));
        return;
      }
    }
    json(ctx, 200, n.put("status", "UP"));
  }

  /**
   * One workspace: its health as JSON. Several: {@code status} (the worst), {@code delivering}
   * and one object per workspace; {@code ?workspace=name} selects one. 503 when a reported
   * workspace is not delivering (DOWN or breaker open).
   */
  private void customerio(Context ctx) {
    String only = ctx.queryParam("workspace");
    if (only != null && !workspaces.contains(only)) {
      throw ApiError.of(404, ApiError.Shape.PLAIN, "not_found", "workspace", "unknown workspace '" + only
          + "' (configured: " + workspaces.names() + ")");
    }
    if (only != null || workspaces.names().size() == 1) {
      Health h = workspaces.get(only != null ? only : workspaces.names().get(0)).health();
      json(ctx, delivering(h) ? 200 : 503, toJson(h));
      return;
    }
    ObjectNode out = JsonBodies.MAPPER.createObjectNode();
    ObjectNode each = JsonBodies.MAPPER.createObjectNode();
    HealthStatus worst = HealthStatus.UP;
    boolean all = true;
    for (Map.Entry<String, Health> e : workspaces.health().entrySet()) {
      Health h = e.getValue();
      worst = h.status().compareTo(worst) > 0 ? h.status() : worst;
      all &= delivering(h);
      each.set(e.getKey(), toJson(h));
    }
    out.put("status", worst.name());
    out.put("delivering", all);
    out.set("workspaces", each);
    json(ctx, all ? 200 : 503, out);
  }

  private static boolean delivering(Health h) {
    boolean open = h.breakerState().startsWith("OPEN") || h.breakerState().startsWith("FORCED_OPEN");
    return h.status() != HealthStatus.DOWN && !open;
  }

  /** The health snapshot as served by {@code /health/customerio} (also the dashboard's overview). */
  public static ObjectNode toJson(Health h) {
    ObjectNode n = JsonBodies.MAPPER.createObjectNode();
    n.put("status", h.status().name());
    n.putArray("reasons").addAll(h.reasons().stream().map(JsonBodies.MAPPER.getNodeFactory()::textNode).toList());
    n.put("circuit_state", h.breakerState());
    n.put("failures", h.failures());
    n.put("consecutive_failures", h.consecutiveFailures());
    n.put("last_failure", iso(h.lastFailure()));
    n.put("last_error", h.lastError());
    n.put("last_success", iso(h.lastSuccess()));
    n.put("backlog", h.backlog());
    n.put("backlog_bytes", h.backlogBytes());
    n.put("oldest_pending_age_seconds", h.oldestPendingAge().toMillis() / 1000.0);
    n.put("dead_letters", h.deadLetters());
    n.put("delivered_per_second", h.deliveredPerSecond());
    n.put("rate_limited_until", iso(h.pausedUntil()));
    return n;
  }

  private static String iso(Instant i) {
    return i == null ? null : i.toString();
  }

  private static void json(Context ctx, int status, ObjectNode body) {
    ctx.status(status).contentType("application/json").result(JsonBodies.write(body));
  }
}
