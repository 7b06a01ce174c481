package io.ciorelay.delivery.routing;

import io.ciorelay.client.Operation;
import io.ciorelay.client.Region;
import io.ciorelay.delivery.outbox.LaneHash;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Chooses the workspace an operation goes to, when one app or relay serves several Customer.io
 * workspaces (see {@link io.ciorelay.delivery.Workspaces}). Implementations are pure and
 * thread-safe. Every rule here is deterministic, so one person's operations always reach the same
 * workspace as long as the deciding input (attribute or identifier) stays the same.
 */
public interface Routing {

  /**
   * The workspace name for this operation.
   *
   * @throws UnroutableException if the rule cannot place it (the operation is rejected, nothing stored)
   */
  String workspaceFor(Operation operation);

  /**
   * The workspace for an anonymous event (no person): by default {@code fallback} of the rule, or
   * the rule applied to nothing. Overridden by rules that have a fallback.
   */
  default String workspaceForAnonymous(String anonymousId, Map<String, ?> data) {
    throw new UnroutableException("anonymous events cannot be routed by this rule");
  }

  /** The workspace names this rule can answer (checked against the configured ones at start). */
  Set<String> targets();

  /** Every operation to one workspace. */
  static Routing fixed(String workspace) {
    Objects.requireNonNull(workspace, "workspace");
    return new Routing() {
      @Override
      public String workspaceFor(Operation operation) {
        return workspace;
      }

      @Override
      public String workspaceForAnonymous(String anonymousId, Map<String, ?> data) {
        return workspace;
      }

      @Override
      public Set<String> targets() {
        return Set.of(workspace);
      }

      @Override
      public String toString() {
        return "fixed(" + workspace + ")";
      }
    };
  }

  /**
   * By the value of one attribute (identify attributes, or event data): {@code values} maps each
   * value (compared as text, case-insensitively) to a workspace; operations without the attribute
   * or with an unmapped value go to {@code fallback}, or are refused when it is null. Operations
   * that carry no attributes at all (delete, suppress, devices, merge) go to the fallback too, so
   * give one unless every operation carries the attribute.
   */
  static Routing byAttribute(String attribute, Map<String, String> values, String fallback) {
    if (attribute == null || attribute.isBlank()) {
      throw new IllegalArgumentException("routing attribute must not be blank");
    }
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException("routing by attribute '" + attribute + "' needs at least one value=workspace pair");
    }
    Map<String, String> map = new TreeMap<>();
    values.forEach((k, v) -> map.put(k.toLowerCase(Locale.ROOT), Objects.requireNonNull(v, "workspace for " + k)));
    return new AttributeRouting(attribute, map, fallback);
  }

  /**
   * By a region hint: the attribute's value is {@code us} or {@code eu} and picks the workspace
   * configured for that region ({@code regions}); missing or other values go to {@code fallback}
   * (or are refused when it is null).
   */
  static Routing byRegionHint(String attribute, Map<Region, String> regions, String fallback) {
    if (regions == null || regions.isEmpty()) {
      throw new IllegalArgumentException("routing by region hint needs a workspace for at least one region");
    }
    Map<String, String> values = new TreeMap<>();
    regions.forEach((r, ws) -> values.put(r.name().toLowerCase(Locale.ROOT), ws));
    return byAttribute(attribute, values, fallback);
  }

  /**
   * By a hash of the person key over {@code workspaces}, for one logical workspace sharded across
   * several: stable for a given list (changing the list moves people). The hash is salted so it
   * does not correlate with the lane a person takes inside a workspace.
   */
  static Routing byHash(List<String> workspaces) {
    if (workspaces == null || workspaces.isEmpty()) {
      throw new IllegalArgumentException("routing by hash needs at least one workspace");
    }
    List<String> list = List.copyOf(workspaces);
    if (Set.copyOf(list).size() != list.size()) {
      throw new IllegalArgumentException("routing by hash lists a workspace twice: " + list);
    }
    return new Routing() {
      @Override
      public String workspaceFor(Operation operation) {
        return pick(operation.personKey());
      }

      @Override
      public String workspaceForAnonymous(String anonymousId, Map<String, ?> data) {
        return pick("anon:" + anonymousId);
      }

      private String pick(String key) {
        return list.get(Math.floorMod(LaneHash.hash("workspace:" + key), list.size()));
      }

      @Override
      public Set<String> targets() {
        return Set.copyOf(list);
      }

      @Override
      public String toString() {
        return "hash" + list;
      }
    };
  }

  /** Refusal to route: the operation is rejected as invalid with this message. */
  final class UnroutableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnroutableException(String message) {
      super(message, null, false, false);
    }
  }
}
