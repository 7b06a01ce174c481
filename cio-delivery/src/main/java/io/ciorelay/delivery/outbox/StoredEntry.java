package io.ciorelay.delivery.outbox;

/**
 * A committed, pending entry as read back from the store.
 *
 * @param seq                 sequence number: increases in append order across the whole store
 * @param attempts            failed delivery attempts recorded so far
 * @param firstFailureAtMillis epoch ms of the first recorded failure, or 0 if none
 */
public record StoredEntry(
    long seq,
    int lane,
    String personKey,
    String eventId,
    EntryKind kind,
    byte[] payload,
    long acceptedAtMillis,
    int attempts,
    long firstFailureAtMillis) {}
