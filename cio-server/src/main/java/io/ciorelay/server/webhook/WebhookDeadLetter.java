package io.ciorelay.server.webhook;

import java.time.Instant;
import java.util.Objects;

/**
 * A webhook event the forwarder gave up on: the consumer refused it for the whole attempt budget
 * ({@link WebhookConfig#maxAttempts()}), or it cannot be sent at all (for example an
 * {@code event_id} that is not a valid header value). Replay makes it pending again; purge deletes
 * it. Immutable.
 *
 * @param event the stored event (its {@link WebhookEvent#seq()} is the dead letter's id)
 * @param reason why it was given up: the last failure ({@code HTTP 500}, a timeout, ...)
 * @param deadAt when it was given up (the receiver's clock)
 */
public record WebhookDeadLetter(WebhookEvent event, String reason, Instant deadAt) {
  /** @throws NullPointerException if an argument is null */
  public WebhookDeadLetter {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(deadAt, "deadAt");
  }
}
