package io.ciorelay.server.importer;

/**
 * An import cannot start or go on: a missing or unreadable file, an unknown format, a CSV header
 * without the identifier column, a checkpoint that belongs to another file. The message says what
 * was wrong and, where there is one, what to do. Immutable.
 */
public final class ImportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ImportException(String message) {
    super(message);
  }
}
