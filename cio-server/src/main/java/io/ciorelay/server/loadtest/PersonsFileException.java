package io.ciorelay.server.loadtest;

/** A persons file is missing, empty, unreadable or holds something other than load-test person ids. */
public final class PersonsFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PersonsFileException(String message) {
    super(message);
  }
}
