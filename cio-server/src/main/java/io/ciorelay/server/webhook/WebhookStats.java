package io.ciorelay.server.webhook;

import java.time.Duration;
import java.util.Map;

/**
 * A snapshot of a {@link WebhookReceiver}'s counters since it started, and of its store. Immutable.
 *
 * @param received requests that reached the endpoint
 * @param rejected rejected requests by reason ({@code missing_header}, {@code malformed_timestamp},
 *     {@code stale_timestamp}, {@code bad_signature}, {@code body_too_large}, {@code malformed_json},
 *     {@code missing_event_id}, {@code unreadable_body}, {@code store_unavailable}, {@code closed}); only reasons seen appear
 * @param duplicates valid events whose {@code event_id} was already stored
 * @param stored events committed to the store
 * @param forwarded events the consumer accepted with a 2xx
 * @param forwardFailures forward attempts that failed (each retry counts)
 * @param backlog events stored but not yet delivered
 * @param oldestPendingAge age of the first pending event, {@link Duration#ZERO} if none
 */
public record WebhookStats(long received, Map<String, Long> rejected, long duplicates, long stored, long forwarded,
    long forwardFailures, long backlog, Duration oldestPendingAge) {

  /** Copies the map. */
  public WebhookStats {
    rejected = Map.copyOf(rejected);
  }

  /** All rejections, whatever the reason. */
  public long rejectedTotal() {
    return rejected.values().stream().mapToLong(Long::longValue).sum();
  }
}
