package io.ciorelay.server.relay;

/**
 * The relay's configuration is invalid; the message names the key, where it came from, and the
 * value (never the value of a secret). Immutable.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
