package io.ciorelay.spring;

/**
 * A {@code cio.*} property the library refused: names the property, and carries the library's
 * own rule and value (never an API key or password). Thrown while the application context starts.
 */
public final class CioPropertyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String property;

  public CioPropertyException(String property, String message, Throwable cause) {
    super(property + ": " + message, cause);
    this.property = property;
  }

  /** The property, e.g. {@code cio.workspaces.eu.linger}. */
  public String property() {
    return property;
  }
}
