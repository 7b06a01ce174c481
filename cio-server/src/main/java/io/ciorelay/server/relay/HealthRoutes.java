package io.ciorelay.server.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ciorelay.delivery.CustomerIo;
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
final class HealthRoutes {
  private final CustomerIo cio;
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier accepting;

  HealthRoutes(CustomerIo cio, PrometheusMeterRegistry registry, BooleanSupplier accepting) {
    this.cio = cio;
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
    Health h = cio.health();
    String storeProblem = h.reasons().stream().filter(r -> r.startsWith("outbox failing")).findFirst().orElse(null);
    if (storeProblem != null) {
      json(ctx, 503, n.put("status", "DOWN").put("reason", storeProblem));
      return;
    }
    json(ctx, 200, n.put("status", "UP"));
  }

  private void customerio(Context ctx) {
    Health h = cio.health();
    boolean open = h.breakerState().startsWith("OPEN") || h.breakerState().startsWith("FORCED_OPEN");
    boolean delivering = h.status() != HealthStatus.DOWN && !open;
    json(ctx, delivering ? 200 : 503, toJson(h));
  }

  static ObjectNode toJson(Health h) {
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
