package io.ciorelay.delivery.outbox;

/**
 * A snapshot of the store.
 *
 * @param pending               entries accepted and not yet acknowledged or dead-lettered (including those
 *                              handed over but not yet committed)
 * @param pendingBytes          sum of their payload sizes
 * @param oldestAcceptedAtMillis acceptance time of the oldest pending entry, or -1 if none
 * @param deadLetters           entries in the dead-letter store
 * @param uncommitted           entries handed over but not yet committed
 */
public record OutboxStats(long pending, long pendingBytes, long oldestAcceptedAtMillis, long deadLetters, long uncommitted) {}
