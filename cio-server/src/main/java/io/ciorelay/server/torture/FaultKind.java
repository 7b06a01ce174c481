package io.ciorelay.server.torture;

import io.ciorelay.simulator.OutageMode;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One kind of fault the fault-schedule test injects: an outage window at the simulator in one
 * {@link OutageMode} (or a burst of random 5xx), or a restart of the store. Each has the name the
 * {@code --faults} option uses.
 */
public enum FaultKind {
  /** Half the requests fail with a random one of 500, 502, 503, 504. */
  SERVER_ERRORS("5xx", null),
  RATE_LIMITED("429", OutageMode.RATE_LIMITED),
  RATE_LIMITED_NO_RETRY_AFTER("429-no-retry-after", OutageMode.RATE_LIMITED_NO_RETRY_AFTER),
  CONNECTION_RESET("reset", OutageMode.CONNECTION_RESET),
  HANG_BEFORE_HEADERS("hang", OutageMode.HANG_BEFORE_HEADERS),
  STALL_AFTER_HEADERS("stall-body", OutageMode.STALL_AFTER_HEADERS),
  LOST_ACKNOWLEDGEMENT("lost-ack", OutageMode.LOST_ACKNOWLEDGEMENT),
  NOT_FOUND("404", OutageMode.NOT_FOUND),
  REDIRECT("3xx", OutageMode.REDIRECT),
  UNAUTHORIZED("401", OutageMode.UNAUTHORIZED),
  /** SQLite: {@code kill -9} of the child JVM running the library, then a new one on the same file. Redis: a Redis restart. */
  STORE_RESTART("store-restart", null),
  /** Redis only: a store leaves the fleet or a new one joins (between two and three). */
  MEMBERSHIP("membership", null);

  private final String cliName;
  private final OutageMode mode;

  FaultKind(String cliName, OutageMode mode) {
    this.cliName = cliName;
    this.mode = mode;
  }

  public String cliName() {
    return cliName;
  }

  /** The simulator's outage mode for this fault, or null when it is not an outage window. */
  OutageMode mode() {
    return mode;
  }

  /** True for faults that act on the store rather than the simulator. */
  boolean isStoreFault() {
    return this == STORE_RESTART || this == MEMBERSHIP;
  }

  /** Every kind. */
  public static Set<FaultKind> all() {
    return EnumSet.allOf(FaultKind.class);
  }

  /**
   * Parses a comma-separated list of {@link #cliName()}s; {@code all} names every kind.
   *
   * @throws IllegalArgumentException naming the unknown value and the accepted ones
   */
  public static Set<FaultKind> parse(String list) {
    Set<FaultKind> out = EnumSet.noneOf(FaultKind.class);
    for (String part : list.split(",")) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      if (name.equals("all")) {
        out.addAll(all());
        continue;
      }
      FaultKind found = Arrays.stream(values()).filter(k -> k.cliName.equals(name)).findFirst().orElseThrow(
          () -> new IllegalArgumentException("--faults: unknown fault '" + name + "'; accepted: all, "
              + Arrays.stream(values()).map(FaultKind::cliName).collect(Collectors.joining(", "))));
      out.add(found);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--faults must name at least one fault but was '" + list + "'");
    }
    return out;
  }

  /** The {@code --faults} value naming exactly these kinds. */
  static String format(Set<FaultKind> kinds) {
    return kinds.stream().map(FaultKind::cliName).collect(Collectors.joining(","));
  }
}
