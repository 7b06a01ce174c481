package io.ciorelay.simulator;

/**
 * Thrown inside request handling to answer with an error status and body; carries no stack trace
 * because it is control flow, not a bug. Not part of the public API.
 */
final class Rejection extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int status;
  final byte[] body;
  final int rejectedOperations;

  Rejection(int status, byte[] body, int rejectedOperations) {
    super("HTTP " + status, null, false, false);
    this.status = status;
    this.body = body;
    this.rejectedOperations = rejectedOperations;
  }
}
