/**
 * The durable outbox: operations waiting for delivery, stored in order per lane (a hash of the
 * person key) until acknowledged or dead-lettered.
 *
 * <p>{@link io.ciorelay.delivery.outbox.Outbox} is the contract the delivery engine uses;
 * {@link io.ciorelay.delivery.outbox.SqliteOutbox} is the embedded engine (one SQLite file, one
 * writer thread doing group commit), configured by {@link io.ciorelay.delivery.outbox.OutboxConfig}.
 *
 * <p>Threads and locks of the embedded engine: the writer thread {@code cio-outbox-writer[<file>]};
 * {@code stateLock} (counters, accepting/closing/failed state, queue hand-off; condition
 * {@code roomAvailable} for blocked appenders); {@code readerLock} (the read connection). See
 * {@link io.ciorelay.delivery.outbox.SqliteOutbox} for the full note.
 */
package io.ciorelay.delivery.outbox;
