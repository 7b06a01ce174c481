package io.ciorelay.simulator;

import java.util.Objects;

/**
 * One way of naming a person or entity as the simulator received it: a type such as {@code id},
 * {@code email}, {@code cio_id}, {@code phone}, {@code anonymous_id}, {@code object_id} or
 * {@code delivery_id}, and its value. Immutable and thread-safe.
 *
 * @param type the identifier kind, never null
 * @param value the identifier value as text, never null
 */
public record Identifier(String type, String value) {
  public Identifier {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return type + ":" + value;
  }
}
