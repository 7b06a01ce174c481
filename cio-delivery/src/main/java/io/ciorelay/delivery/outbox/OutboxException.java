package io.ciorelay.delivery.outbox;

/** The store could not read or write (disk full, file corrupt, closed). Carries the path in its message. */
public class OutboxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OutboxException(String message, Throwable cause) {
    super(message, cause);
  }

  public OutboxException(String message) {
    super(message);
  }
}
