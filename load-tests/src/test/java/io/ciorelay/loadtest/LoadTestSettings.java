package io.ciorelay.loadtest;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The parameters of {@link CustomerIoLoadSimulation}: where to send, with which credentials, the
 * open workload's rates and durations, the thresholds, and where to record the test persons.
 *
 * <p>Each parameter is read from the system property of its name ({@code -DholdRate=40}) and, when
 * that is absent, from the environment variable {@code CIO_LOAD_} plus its name in upper snake case
 * ({@code CIO_LOAD_HOLD_RATE=40}). Credentials come from {@code CIO_SITE_ID} and {@code CIO_API_KEY}
 * (the key only from the environment, so it never shows in a process list); the in-process simulator
 * uses its own test credentials. Rates are <b>iterations per second</b>, as in the reference k6
 * script's arrival rate: each iteration is one identify and one track, so two HTTP requests.
 *
 * <p>Every value is checked at once with a message naming the parameter and the value. Immutable
 * and thread-safe.
 */
public final class LoadTestSettings {
  /** The target that starts an in-process simulator. */
  public static final String SIMULATOR = "simulator";
  public static final double DEFAULT_RAMP_FROM = 10;
  public static final double DEFAULT_RAMP_TO = 50;
  public static final double DEFAULT_RAMP_SECONDS = 30;
  public static final double DEFAULT_HOLD_RATE = 80;
  public static final double DEFAULT_HOLD_SECONDS = 60;
  public static final double DEFAULT_COOL_TO = 10;
  public static final double DEFAULT_COOL_SECONDS = 30;
  public static final double DEFAULT_SCALE = 1;
  public static final int DEFAULT_P95_MS = 500;
  public static final int DEFAULT_P99_MS = 2000;
  public static final long DEFAULT_MAX_FAILED = 50;

  private final String target;
  private final URI baseUrl;
  private final String siteId;
  private final String apiKey;
  private final double rampFrom;
  private final double rampTo;
  private final double rampSeconds;
  private final double holdRate;
  private final double holdSeconds;
  private final double coolTo;
  private final double coolSeconds;
  private final double scale;
  private final int p95Ms;
  private final int p99Ms;
  private final long maxFailed;
  private final boolean allowProduction;
  private final String runId;
  private final Path personsDir;
  private final int simulatorLatencyMs;
  private final int simulatorRateLimit;

  private LoadTestSettings(UnaryOperator<String> props, Map<String, String> env) {
    Source s = new Source(props, env);
    target = s.text("target", SIMULATOR);
    allowProduction = s.bool("allowProduction");
    if (target.equals(SIMULATOR)) {
      baseUrl = null;
      siteId = null;
      apiKey = null;
    } else {
      baseUrl = parseUrl(target);
      if (io.ciorelay.client.Region.isCustomerIoHost(baseUrl) && !allowProduction) {
        throw new IllegalArgumentException("refusing to load-test " + baseUrl.getHost() + ": it is a Customer.io host, "
            + "and this load test creates thousands of persons and events in the workspace whose credentials you gave. "
            + "Use a staging workspace's credentials and pass -DallowProduction=true (or CIO_LOAD_ALLOW_PRODUCTION=true) "
            + "to confirm.");
      }
      siteId = s.text("siteId", env.get("CIO_SITE_ID"));
      apiKey = env.get("CIO_API_KEY");
      if (siteId == null || siteId.isBlank() || apiKey == null || apiKey.isBlank()) {
        throw new IllegalArgumentException("target " + target + " needs credentials: set CIO_SITE_ID and CIO_API_KEY "
            + "(the relay's built-in simulator takes CIO_SITE_ID=sim-site-id CIO_API_KEY=sim-api-key)");
      }
    }
    rampFrom = s.rate("rampFrom", DEFAULT_RAMP_FROM);
    rampTo = s.rate("rampTo", DEFAULT_RAMP_TO);
    rampSeconds = s.seconds("rampSeconds", DEFAULT_RAMP_SECONDS);
    holdRate = s.rate("holdRate", DEFAULT_HOLD_RATE);
    holdSeconds = s.seconds("holdSeconds", DEFAULT_HOLD_SECONDS);
    coolTo = s.rate("coolTo", DEFAULT_COOL_TO);
    coolSeconds = s.seconds("coolSeconds", DEFAULT_COOL_SECONDS);
    scale = s.number("scale", DEFAULT_SCALE, 0.001, 100);
    p95Ms = (int) s.number("p95Ms", DEFAULT_P95_MS, 1, 600_000);
    p99Ms = (int) s.number("p99Ms", DEFAULT_P99_MS, 1, 600_000);
    maxFailed = (long) s.number("maxFailed", DEFAULT_MAX_FAILED, 1, Long.MAX_VALUE);
    runId = s.text("runId", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
    if (!runId.matches("[A-Za-z0-9_.-]{1,40}")) {
      throw new IllegalArgumentException("runId must be 1..40 letters, digits, '.', '_' or '-' but was '" + runId + "'");
    }
    personsDir = Path.of(s.text("personsDir", "target"));
    simulatorLatencyMs = (int) s.number("simulatorLatencyMs", 0, 0, 600_000);
    simulatorRateLimit = (int) s.number("simulatorRateLimit", 0, 0, 1_000_000);
    if (baseUrl != null && (simulatorLatencyMs > 0 || simulatorRateLimit > 0)) {
      throw new IllegalArgumentException("simulatorLatencyMs and simulatorRateLimit apply only to target=simulator, "
          + "not to " + target);
    }
  }

  /** Reads the settings from system properties and the environment. */
  public static LoadTestSettings fromSystem() {
    return from(System::getProperty, System.getenv());
  }

  /**
   * Reads the settings from the given property lookup and environment.
   *
   * @throws IllegalArgumentException naming the parameter if a value is malformed or out of range,
   *     credentials are missing for a URL target, or the target is a Customer.io host without
   *     {@code allowProduction}
   */
  public static LoadTestSettings from(UnaryOperator<String> props, Map<String, String> env) {
    return new LoadTestSettings(props, env);
  }

  private static URI parseUrl(String text) {
    URI u;
    try {
      u = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("target must be 'simulator' or an http(s) URL but was '" + text + "'", e);
    }
    if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
      throw new IllegalArgumentException("target must be 'simulator' or an http(s) URL but was '" + text + "'");
    }
    String s = u.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.endsWith("/api/v1")) {
      s = s.substring(0, s.length() - "/api/v1".length());
    }
    return URI.create(s);
  }

  /** The target as given: {@value #SIMULATOR} or a URL. */
  public String target() {
    return target;
  }

  /** Whether to start an in-process simulator. */
  public boolean usesSimulator() {
    return baseUrl == null;
  }

  /** The base URL (without {@code /api/v1}) for a URL target; null for the simulator. */
  public URI baseUrl() {
    return baseUrl;
  }

  public String siteId() {
    return siteId;
  }

  public String apiKey() {
    return apiKey;
  }

  public double rampFrom() {
    return rampFrom;
  }

  public double rampTo() {
    return rampTo;
  }

  public double holdRate() {
    return holdRate;
  }

  public double coolTo() {
    return coolTo;
  }

  /** The ramp's duration after scaling, in whole seconds. */
  public Duration ramp() {
    return scaled(rampSeconds);
  }

  /** The hold's duration after scaling. */
  public Duration hold() {
    return scaled(holdSeconds);
  }

  /** The cool-down's duration after scaling. */
  public Duration cool() {
    return scaled(coolSeconds);
  }

  public double scale() {
    return scale;
  }

  public int p95Ms() {
    return p95Ms;
  }

  public int p99Ms() {
    return p99Ms;
  }

  public long maxFailed() {
    return maxFailed;
  }

  public boolean allowProduction() {
    return allowProduction;
  }

  public String runId() {
    return runId;
  }

  /** The file the test persons' ids are written to. */
  public Path personsFile() {
    return personsDir.resolve("load-test-persons-" + runId + ".txt");
  }

  public int simulatorLatencyMs() {
    return simulatorLatencyMs;
  }

  public int simulatorRateLimit() {
    return simulatorRateLimit;
  }

  /** Iterations the open workload starts, in total (each one identify and one track). */
  public long expectedIterations() {
    double r = ramp().toSeconds();
    double h = hold().toSeconds();
    double c = cool().toSeconds();
    return Math.round((rampFrom + rampTo) / 2 * r + holdRate * h + (holdRate + coolTo) / 2 * c);
  }

  /**
   * Whole seconds, because Gatling's ramps divide by the whole seconds of their duration (a 0.9 s
   * ramp stops its injector); a stage that scales below one second keeps one second.
   */
  private Duration scaled(double seconds) {
    if (seconds == 0) {
      return Duration.ZERO;
    }
    return Duration.ofSeconds(Math.max(1, Math.round(seconds * scale)));
  }

  /** A one-line description without the key. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "target=%s%s ramp %s->%s/s over %s, hold %s/s for %s, cool to %s/s over %s "
        + "(iterations/s; 2 requests each; scale %s, about %d iterations); assertions p95<%d ms, p99<%d ms, "
        + "failed requests<%d; run %s",
        usesSimulator() ? "in-process simulator" : baseUrl, siteId == null ? "" : " site " + siteId,
        fmt(rampFrom), fmt(rampTo), seconds(ramp()), fmt(holdRate), seconds(hold()), fmt(coolTo), seconds(cool()), fmt(scale),
        expectedIterations(), p95Ms, p99Ms, maxFailed, runId);
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + " s";
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** System property, then {@code CIO_LOAD_*} environment variable. */
  private static final class Source {
    private final UnaryOperator<String> props;
    private final Map<String, String> env;

    Source(UnaryOperator<String> props, Map<String, String> env) {
      this.props = props;
      this.env = env;
    }

    static String envName(String name) {
      return "CIO_LOAD_" + name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    String raw(String name) {
      String v = props.apply(name);
      if (v == null || v.isBlank()) {
        v = env.get(envName(name));
      }
      return v == null || v.isBlank() ? null : v.trim();
    }

    String text(String name, String fallback) {
      String v = raw(name);
      return v == null ? fallback : v;
    }

    double number(String name, double fallback, double min, double max) {
      String v = raw(name);
      if (v == null) {
        return fallback;
      }
      double d;
      try {
        d = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a number but was '" + v + "'");
      }
      if (!(d >= min && d <= max)) {
        throw new IllegalArgumentException(name + " must be in " + fmt(min) + ".." + fmt(max) + " but was " + v);
      }
      return d;
    }

    double rate(String name, double fallback) {
      return number(name, fallback, 0, 100_000);
    }

    double seconds(String name, double fallback) {
      return number(name, fallback, 0, 86_400);
    }

    boolean bool(String name) {
      String v = raw(name);
      if (v == null) {
        return false;
      }
      if (v.equalsIgnoreCase("true")) {
        return true;
      }
      if (v.equalsIgnoreCase("false")) {
        return false;
      }
      throw new IllegalArgumentException(name + " must be true or false but was '" + v + "'");
    }
  }
}
