package io.ciorelay.delivery;

import io.ciorelay.client.Event;
import io.ciorelay.client.Operation;
import io.ciorelay.delivery.health.Health;
import io.ciorelay.delivery.routing.Routing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Several Customer.io workspaces behind one entry point: each is a {@link CustomerIo} of its own
 * (its own region or base URL, credentials, outbox, breaker, rate limiter, health and metrics,
 * the latter tagged {@code workspace}), and a {@link Routing} rule picks the workspace of every
 * operation. Thread-safe; the methods never block.
 *
 * <pre>{@code
 * Workspaces ws = Workspaces.create(List.of(usConfig, euConfig),
 *     Routing.byRegionHint("region", Map.of(Region.US, "us", Region.EU, "eu"), "us"));
 * ws.submit(Operation.identify(Identifiers.id("42"), Map.of("region", "eu")));  // → "eu"
 * }</pre>
 */
public final class Workspaces implements AutoCloseable {
  private final Map<String, CustomerIo> byName;
  private final Routing routing;

  private Workspaces(Map<String, CustomerIo> byName, Routing routing) {
    this.byName = Collections.unmodifiableMap(byName);
    this.routing = routing;
  }

  /**
   * Opens every workspace and starts its delivery.
   *
   * @throws IllegalArgumentException if two configs share a workspace name or an outbox file, or
   *     the rule names a workspace that is not configured (nothing is left open)
   */
  public static Workspaces create(List<CustomerIoConfig> configs, Routing routing) {
    Objects.requireNonNull(routing, "routing");
    if (configs == null || configs.isEmpty()) {
      throw new IllegalArgumentException("at least one workspace must be configured");
    }
    Set<String> names = new TreeSet<>();
    Set<Path> paths = new HashSet<>();
    for (CustomerIoConfig c : configs) {
      if (!names.add(c.workspace())) {
        throw new IllegalArgumentException("workspace '" + c.workspace() + "' is configured twice");
      }
      if (!paths.add(c.outbox().path().toAbsolutePath().normalize())) {
        throw new IllegalArgumentException("workspace '" + c.workspace() + "' uses the outbox file "
            + c.outbox().path() + " of another workspace; give each its own storagePath");
      }
    }
    Set<String> unknown = new TreeSet<>(routing.targets());
    unknown.removeAll(names);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("routing " + routing + " names workspace(s) " + unknown
          + " that are not configured (configured: " + names + ")");
    }
    Map<String, CustomerIo> opened = new LinkedHashMap<>();
    try {
      for (CustomerIoConfig c : configs) {
        opened.put(c.workspace(), CustomerIo.create(c));
      }
    } catch (RuntimeException e) {
      opened.values().forEach(cio -> cio.close(Duration.ZERO));
      throw e;
    }
    return new Workspaces(opened, routing);
  }

  /** The workspace names, in configuration order. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** One workspace's instance, for its health, dead letters, pause/resume or direct sends. */
  public CustomerIo get(String name) {
    CustomerIo cio = byName.get(name);
    if (cio == null) {
      throw new IllegalArgumentException("unknown workspace '" + name + "' (configured: " + byName.keySet() + ")");
    }
    return cio;
  }

  /** Whether a workspace of this name is configured. */
  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  public Routing routing() {
    return routing;
  }

  /** The workspace the rule picks for this operation (for callers that want to show it). */
  public String route(Operation operation) {
    return routing.workspaceFor(operation);
  }

  /** Routes and queues one v2 person operation; an unroutable one is REJECTED / INVALID, nothing stored. */
  public Receipt submit(Operation operation) {
    if (operation == null) {
      return rejected("operation must not be null");
    }
    String ws;
    try {
      ws = routing.workspaceFor(operation);
    } catch (Routing.UnroutableException e) {
      return rejected(e.getMessage());
    }
    return get(ws).submit(operation);
  }

  /** Routes and queues an anonymous event. */
  public Receipt trackAnonymous(String anonymousId, Event event) {
    String ws;
    try {
      ws = routing.workspaceForAnonymous(anonymousId, event == null ? null : event.data());
    } catch (Routing.UnroutableException e) {
      return rejected(e.getMessage());
    }
    return get(ws).trackAnonymous(anonymousId, event);
  }

  /** Every workspace's health, by name. */
  public Map<String, Health> health() {
    Map<String, Health> out = new LinkedHashMap<>();
    byName.forEach((name, cio) -> out.put(name, cio.health()));
    return out;
  }

  /**
   * Closes every workspace, sharing {@code timeout}: they drain in parallel, so the whole call takes
   * about {@code timeout} at most. Returns each workspace's report.
   */
  public Map<String, ShutdownReport> close(Duration timeout) {
    Map<String, ShutdownReport> out = Collections.synchronizedMap(new LinkedHashMap<>());
    List<Thread> threads = new ArrayList<>();
    for (Map.Entry<String, CustomerIo> e : byName.entrySet()) {
      Thread t = new Thread(() -> out.put(e.getKey(), e.getValue().close(timeout)), "cio-close-" + e.getKey());
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    Map<String, ShutdownReport> ordered = new LinkedHashMap<>();
    for (String name : byName.keySet()) {
      ShutdownReport r = out.get(name);
      if (r != null) {
        ordered.put(name, r);
      }
    }
    return ordered;
  }

  @Override
  public void close() {
    close(CustomerIoConfig.DEFAULT_CLOSE_TIMEOUT);
  }

  private static Receipt rejected(String message) {
    return Receipt.rejected(new Rejection(Rejection.Reason.INVALID, message, List.of()));
  }
}
