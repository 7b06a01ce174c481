package io.ciorelay.server.importer;

import io.ciorelay.client.Operation;

/**
 * One input row after parsing and validation: either an operation ready to send (with its JSON
 * encoding) or the reason it was rejected. Immutable.
 *
 * @param line    the line the row starts on, 1-based
 * @param raw     the row as read (for the rejects file)
 * @param op      the operation, or null when rejected
 * @param encoded {@code op.toJson()}, or null when rejected
 * @param reject  why the row was rejected, or null
 */
record Row(long line, byte[] raw, Operation op, byte[] encoded, String reject) {

  static Row rejected(long line, byte[] raw, String reason) {
    return new Row(line, raw, null, null, reason);
  }

  boolean ok() {
    return reject == null;
  }
}
