package io.ciorelay.delivery.outbox;

/**
 * An operation to store: its encoded payload and what delivery needs to know without decoding it.
 *
 * @param personKey        ordering key: operations with one key are delivered in append order
 * @param eventId          the event's ULID, or null for operations that carry none
 * @param kind             how the payload is delivered (see {@link EntryKind})
 * @param payload          the encoded operation (JSON bytes); never modified
 * @param acceptedAtMillis when the operation was accepted, epoch milliseconds
 */
public record NewEntry(String personKey, String eventId, EntryKind kind, byte[] payload, long acceptedAtMillis) {}
