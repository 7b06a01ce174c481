package io.ciorelay.delivery.outbox;

/**
 * Opens the store a {@code CustomerIo} delivers from. The default opens the embedded SQLite file
 * ({@link SqliteOutbox#open}); a shared store (Redis) plugs in here. The factory gets the caps,
 * overflow policy, lane count and clock the user configured and must honour them.
 */
@FunctionalInterface
public interface OutboxFactory {

  /** The embedded SQLite store. */
  OutboxFactory SQLITE = SqliteOutbox::open;

  /** Opens (or resumes) the store. Throws {@link OutboxException} if it cannot. */
  Outbox open(OutboxConfig config);

  /** Where the store lives, for log lines (no secrets). */
  default String describe(OutboxConfig config) {
    return config.path().toString();
  }
}
