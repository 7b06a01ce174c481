package io.ciorelay.delivery.outbox;

/** An operation that could not be delivered, kept with the reason until replayed or purged. */
public record DeadLetter(
    long id,
    long originalSeq,
    String personKey,
    String eventId,
    EntryKind kind,
    byte[] payload,
    long acceptedAtMillis,
    long deadAtMillis,
    String reason,
    int lastStatus,
    int attempts) {}
