package io.ciorelay.server.dashboard;

import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * Reads a workspace's running totals from the library's delivery counters (tag {@code workspace}):
 * accepted, delivered, retried, refused at the door (every {@code reason}) and dead-lettered.
 * Stateless and thread-safe.
 */
final class RateSampler {
  /** The series, in the order of {@link #totals}. */
  static final List<String> SERIES = List.of("accepted", "delivered", "retried", "refused", "dead_lettered");
  private static final List<String> METERS = List.of(DeliveryMetrics.ACCEPTED, DeliveryMetrics.DELIVERED,
      DeliveryMetrics.RETRIED, DeliveryMetrics.REJECTED, DeliveryMetrics.DEAD_LETTERED);

  private final MeterRegistry registry;

  RateSampler(MeterRegistry registry) {
    this.registry = registry;
  }

  long[] totals(String workspace) {
    long[] out = new long[METERS.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = sum(METERS.get(i), workspace);
    }
    return out;
  }

  /** The sum of a counter over every other tag of this workspace. */
  long sum(String meter, String workspace) {
    double total = 0;
    for (Counter c : registry.find(meter).tag("workspace", workspace).counters()) {
      total += c.count();
    }
    return (long) total;
  }
}
