package io.ciorelay.delivery;

import io.ciorelay.client.Violation;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import java.util.List;

/** Builds rejected receipts and counts each by reason. Thread-safe. */
final class Rejections {
  private final DeliveryMetrics metrics;

  Rejections(DeliveryMetrics metrics) {
    this.metrics = metrics;
  }

  Receipt reject(Rejection.Reason reason, String message) {
    return reject(reason, message, List.of());
  }

  Receipt reject(Rejection.Reason reason, String message, List<Violation> violations) {
    metrics.rejected(reason.tag());
    return Receipt.rejected(new Rejection(reason, message, violations));
  }

  /** An operation that breaks Customer.io's limits: every violation named, field by field. */
  Receipt invalid(List<Violation> violations) {
    StringBuilder sb = new StringBuilder();
    for (Violation v : violations) {
      sb.append(sb.length() == 0 ? "" : "; ").append(v.field()).append(": ").append(v.message());
    }
    return reject(Rejection.Reason.INVALID, sb.toString(), List.copyOf(violations));
  }

  Receipt closed() {
    return reject(Rejection.Reason.CLOSED, "closed: no longer accepting operations");
  }
}
