package io.ciorelay.server.webhook;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored webhook event as the receiver keeps it: the raw body and the Customer.io headers it
 * arrived with, plus where it sits in the store. Immutable except that {@link #body()} returns the
 * stored array itself (copy it before changing it); equality is by {@link #seq()}.
 *
 * @param seq the store's sequence number: receipt order, never reused
 * @param eventId Customer.io's {@code event_id}
 * @param personKey {@code data.customer_id}, else {@code data.identifiers.id}, else the event id
 * @param lane the ordering partition of the person key
 * @param receivedAt when the receiver stored it (its clock)
 * @param timestampHeader the original {@code X-CIO-Timestamp}
 * @param signatureHeader the original {@code X-CIO-Signature}
 * @param body the raw request body
 * @param attempts forward attempts that failed so far (as last committed)
 */
public record WebhookEvent(long seq, String eventId, String personKey, int lane, Instant receivedAt,
    String timestampHeader, String signatureHeader, byte[] body, int attempts) {

  /** Checks that the references are present. @throws NullPointerException if one is null */
  public WebhookEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(personKey, "personKey");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(timestampHeader, "timestampHeader");
    Objects.requireNonNull(signatureHeader, "signatureHeader");
    Objects.requireNonNull(body, "body");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookEvent e && e.seq == seq;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seq);
  }

  @Override
  public String toString() {
    return "WebhookEvent{seq=" + seq + ", eventId=" + eventId + ", personKey=" + personKey + ", lane=" + lane
        + ", receivedAt=" + receivedAt + ", bodyBytes=" + body.length + ", attempts=" + attempts + "}";
  }
}
