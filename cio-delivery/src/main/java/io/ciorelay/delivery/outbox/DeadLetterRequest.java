package io.ciorelay.delivery.outbox;

/**
 * A request to move one pending entry to the dead-letter store.
 *
 * @param seq        the entry's sequence number
 * @param reason     why it could not be delivered (Customer.io's message, or the last error)
 * @param lastStatus the last HTTP status seen, or 0 for none (network error, budget spent)
 * @param attempts   delivery attempts made
 */
public record DeadLetterRequest(long seq, String reason, int lastStatus, int attempts) {}
