package io.ciorelay.delivery.routing;

import io.ciorelay.client.Operation;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@link Routing#byAttribute}: immutable and thread-safe. */
final class AttributeRouting implements Routing {
  private final String attribute;
  private final Map<String, String> values;
  private final String fallback;

  AttributeRouting(String attribute, Map<String, String> values, String fallback) {
    this.attribute = attribute;
    this.values = Map.copyOf(values);
    this.fallback = fallback;
  }

  @Override
  public String workspaceFor(Operation operation) {
    Map<String, Object> attrs = operation.attributes();
    return choose(attrs == null ? null : attrs.get(attribute), operation.action().name().toLowerCase(Locale.ROOT));
  }

  @Override
  public String workspaceForAnonymous(String anonymousId, Map<String, ?> data) {
    return choose(data == null ? null : data.get(attribute), "anonymous event");
  }

  private String choose(Object value, String what) {
    if (value != null) {
      String ws = values.get(String.valueOf(value).toLowerCase(Locale.ROOT));
      if (ws != null) {
        return ws;
      }
    }
    if (fallback != null) {
      return fallback;
    }
    throw new UnroutableException(value == null
        ? "routing: " + what + " has no attribute '" + attribute + "' and no default workspace is configured"
        : "routing: attribute '" + attribute + "' = '" + value + "' matches no workspace (known values: "
            + values.keySet() + ") and no default workspace is configured");
  }

  @Override
  public Set<String> targets() {
    Set<String> s = new HashSet<>(values.values());
    if (fallback != null) {
      s.add(fallback);
    }
    return Set.copyOf(s);
  }

  @Override
  public String toString() {
    return "attribute(" + attribute + ", " + values + ", default=" + fallback + ")";
  }
}
