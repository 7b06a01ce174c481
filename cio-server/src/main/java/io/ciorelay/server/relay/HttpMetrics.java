package io.ciorelay.server.relay;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The relay's HTTP server meter: {@value #REQUESTS} (a timer: count and latency), tagged
 * {@code method}, {@code route} (the matched path pattern, e.g. {@code /api/v1/customers/{id}/events},
 * or {@code unmatched}) and {@code status}. Fed by Javalin's request logger. Thread-safe.
 */
final class HttpMetrics {
  static final String REQUESTS = "relay.http.requests";

  private final MeterRegistry registry;

  HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void record(Context ctx, float millis) {
    String route;
    try {
      route = ctx.endpointHandlerPath();
    } catch (RuntimeException e) {
      route = "unmatched";
    }
    if (route == null || route.isEmpty() || route.equals("*")) {
      route = "unmatched";
    }
    Timer.builder(REQUESTS)
        .description("HTTP requests served by the relay")
        .tag("method", ctx.method().name())
        .tag("route", route)
        .tag("status", Integer.toString(ctx.statusCode()))
        .register(registry)
        .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
  }
}
