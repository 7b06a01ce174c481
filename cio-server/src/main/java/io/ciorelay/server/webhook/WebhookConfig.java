package io.ciorelay.server.webhook;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The immutable configuration of a {@link WebhookReceiver}; create one with {@link #builder()}.
 *
 * <p>Required: {@link Builder#signingKey signingKey} (the Customer.io webhook signing key; copied,
 * never printed — {@link #toString()} redacts it) and {@link Builder#storePath storePath} (the
 * SQLite file). Optional: {@link Builder#forwardUrl forwardUrl}; without it events are verified,
 * de-duplicated, stored and listed ({@link WebhookReceiver#pending}) but never forwarded, and they
 * stay pending until {@link #retention()} has passed. Defaults: tolerance
 * {@value #DEFAULT_TOLERANCE_SECONDS} s, forward timeout {@value #DEFAULT_FORWARD_TIMEOUT_MILLIS} ms,
 * backoff {@value #DEFAULT_BACKOFF_BASE_MILLIS} ms doubling to {@value #DEFAULT_BACKOFF_CAP_MILLIS} ms
 * with jitter {@value #DEFAULT_BACKOFF_JITTER}, max body {@value #DEFAULT_MAX_BODY_BYTES} bytes,
 * {@value #DEFAULT_LANES} lanes, {@value #DEFAULT_MAX_ATTEMPTS} forward attempts before a dead letter, retention {@value #DEFAULT_RETENTION_HOURS} h, the system UTC clock.
 *
 * <p>Setters reject bad values at once with an {@link IllegalArgumentException} naming the field
 * and the value; {@link Builder#build()} checks the required fields. Immutable and thread-safe.
 */
public final class WebhookConfig {
  /** Default largest difference between {@code X-CIO-Timestamp} and the clock: 300 seconds. */
  public static final long DEFAULT_TOLERANCE_SECONDS = 300;
  /** Default timeout of one forward request: 5000 ms. */
  public static final long DEFAULT_FORWARD_TIMEOUT_MILLIS = 5_000;
  /** Default first retry delay: 1000 ms. */
  public static final long DEFAULT_BACKOFF_BASE_MILLIS = 1_000;
  /** Default largest retry delay: 60000 ms. */
  public static final long DEFAULT_BACKOFF_CAP_MILLIS = 60_000;
  /** Default jitter: up to this fraction of each delay is taken off at random: 0.2. */
  public static final double DEFAULT_BACKOFF_JITTER = 0.2;
  /** Default largest accepted body: 262144 bytes (256 KiB). */
  public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;
  /** Default number of ordering partitions (and forwarder threads): 8. */
  public static final int DEFAULT_LANES = 8;
  /** Default time a delivered event's id is kept for de-duplication: 168 hours (Customer.io retries for 7 days). */
  public static final long DEFAULT_RETENTION_HOURS = 168;

  /**
   * Default forward attempts before an event is dead-lettered: 100 (with the default backoff, about
   * 100 minutes of a consumer refusing it).
   */
  public static final int DEFAULT_MAX_ATTEMPTS = 100;
  /** Largest attempt budget accepted. */
  public static final int MAX_MAX_ATTEMPTS = 1_000_000;

  /** Largest lane count accepted. */
  public static final int MAX_LANES = 64;
  /** Largest body cap accepted: 16 MiB. */
  public static final int MAX_MAX_BODY_BYTES = 16 * 1024 * 1024;

  /** Headers the forwarder sets itself; {@link Builder#forwardHeader} refuses them. */
  private static final Set<String> RESERVED_HEADERS = Set.of("x-cio-timestamp", "x-cio-signature",
      "x-webhook-event-id", "content-type", "content-length", "host", "connection", "expect", "upgrade");

  private final byte[] signingKey;
  private final Duration tolerance;
  private final Path storePath;
  private final URI forwardUrl;
  private final Duration forwardTimeout;
  private final Duration backoffBase;
  private final Duration backoffCap;
  private final double backoffJitter;
  private final int maxBodyBytes;
  private final int lanes;
  private final int maxAttempts;
  private final Map<String, String> forwardHeaders;
  private final Duration retention;
  private final Clock clock;

  private WebhookConfig(Builder b) {
    this.signingKey = b.signingKey.clone();
    this.tolerance = b.tolerance;
    this.storePath = b.storePath;
    this.forwardUrl = b.forwardUrl;
    this.forwardTimeout = b.forwardTimeout;
    this.backoffBase = b.backoffBase;
    this.backoffCap = b.backoffCap;
    this.backoffJitter = b.backoffJitter;
    this.maxBodyBytes = b.maxBodyBytes;
    this.lanes = b.lanes;
    this.maxAttempts = b.maxAttempts;
    this.forwardHeaders = Map.copyOf(b.forwardHeaders);
    this.retention = b.retention;
    this.clock = b.clock;
  }

  /** A new builder with every default set and no signing key, store path or forward URL. */
  public static Builder builder() {
    return new Builder();
  }

  /** A copy of the signing key. */
  public byte[] signingKey() {
    return signingKey.clone();
  }

  /** Largest accepted difference, either way, between {@code X-CIO-Timestamp} and the clock. */
  public Duration tolerance() {
    return tolerance;
  }

  /** The SQLite file events are stored in. */
  public Path storePath() {
    return storePath;
  }

  /** Where events are forwarded, or null when forwarding is off. */
  public URI forwardUrl() {
    return forwardUrl;
  }

  /** Whether a forward URL is set. */
  public boolean forwarding() {
    return forwardUrl != null;
  }

  /** Timeout of one forward request (connect and response). */
  public Duration forwardTimeout() {
    return forwardTimeout;
  }

  /** Delay before the first retry of an event; doubled on each further failure. */
  public Duration backoffBase() {
    return backoffBase;
  }

  /** Largest delay between retries. */
  public Duration backoffCap() {
    return backoffCap;
  }

  /** Fraction (0..1) of each delay that may be taken off at random. */
  public double backoffJitter() {
    return backoffJitter;
  }

  /** Largest accepted request body in bytes; larger bodies get 413. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Number of ordering partitions; events of one person always use the same lane. */
  public int lanes() {
    return lanes;
  }

  /** Extra headers sent with every forward request (for example the consumer's auth header). */
  /** Forward attempts (each a refusal, timeout or network error) after which an event is dead-lettered. */
  public int maxAttempts() {
    return maxAttempts;
  }

  public Map<String, String> forwardHeaders() {
    return forwardHeaders;
  }

  /** How long delivered events (and, without a forward URL, all events) are kept for de-duplication. */
  public Duration retention() {
    return retention;
  }

  /** The clock for timestamp checks, receipt times and ages. */
  public Clock clock() {
    return clock;
  }

  /** Names each setting; the signing key and forward header values are redacted. */
  @Override
  public String toString() {
    return "WebhookConfig{signingKey=****, tolerance=" + tolerance + ", storePath=" + storePath
        + ", forwardUrl=" + forwardUrl + ", forwardTimeout=" + forwardTimeout + ", backoffBase=" + backoffBase
        + ", backoffCap=" + backoffCap + ", backoffJitter=" + backoffJitter + ", maxBodyBytes=" + maxBodyBytes
        + ", lanes=" + lanes + ", forwardHeaders=" + forwardHeaders.keySet() + ", retention=" + retention
        + ", clock=" + clock + "}";
  }

  /** Builds a {@link WebhookConfig}. Not thread-safe. */
  public static final class Builder {
    private byte[] signingKey;
    private Duration tolerance = Duration.ofSeconds(DEFAULT_TOLERANCE_SECONDS);
    private Path storePath;
    private URI forwardUrl;
    private Duration forwardTimeout = Duration.ofMillis(DEFAULT_FORWARD_TIMEOUT_MILLIS);
    private Duration backoffBase = Duration.ofMillis(DEFAULT_BACKOFF_BASE_MILLIS);
    private Duration backoffCap = Duration.ofMillis(DEFAULT_BACKOFF_CAP_MILLIS);
    private double backoffJitter = DEFAULT_BACKOFF_JITTER;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int lanes = DEFAULT_LANES;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private final Map<String, String> forwardHeaders = new LinkedHashMap<>();
    private Duration retention = Duration.ofHours(DEFAULT_RETENTION_HOURS);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The webhook signing key (copied). @throws IllegalArgumentException if null or empty */
    public Builder signingKey(byte[] key) {
      if (key == null || key.length == 0) {
        throw new IllegalArgumentException("signingKey must not be empty but was "
            + (key == null ? "null" : "empty"));
      }
      this.signingKey = key.clone();
      return this;
    }

    /** Timestamp tolerance. @throws IllegalArgumentException unless positive and at most one day */
    public Builder tolerance(Duration tolerance) {
      this.tolerance = requireRange("tolerance", tolerance, Duration.ofSeconds(1), Duration.ofDays(1));
      return this;
    }

    /** The SQLite file (created with its directories if missing). @throws IllegalArgumentException if null */
    public Builder storePath(Path path) {
      if (path == null) {
        throw new IllegalArgumentException("storePath must not be null but was null");
      }
      this.storePath = path;
      return this;
    }

    /**
     * Where to forward events, or null to store them without forwarding.
     *
     * @throws IllegalArgumentException unless an absolute http or https URI with a host
     */
    public Builder forwardUrl(URI url) {
      if (url != null) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
          throw new IllegalArgumentException("forwardUrl must be an absolute http(s) URL but was " + url);
        }
      }
      this.forwardUrl = url;
      return this;
    }

    /** Timeout of one forward request. @throws IllegalArgumentException unless in 10 ms..10 min */
    public Builder forwardTimeout(Duration timeout) {
      this.forwardTimeout = requireRange("forwardTimeout", timeout, Duration.ofMillis(10), Duration.ofMinutes(10));
      return this;
    }

    /** First retry delay. @throws IllegalArgumentException unless in 1 ms..1 h */
    public Builder backoffBase(Duration base) {
      this.backoffBase = requireRange("backoffBase", base, Duration.ofMillis(1), Duration.ofHours(1));
      return this;
    }

    /** Largest retry delay. @throws IllegalArgumentException unless in 1 ms..1 day */
    public Builder backoffCap(Duration cap) {
      this.backoffCap = requireRange("backoffCap", cap, Duration.ofMillis(1), Duration.ofDays(1));
      return this;
    }

    /** Jitter fraction. @throws IllegalArgumentException unless in 0..1 */
    public Builder backoffJitter(double jitter) {
      if (!(jitter >= 0 && jitter <= 1)) {
        throw new IllegalArgumentException("backoffJitter must be in 0..1 but was " + jitter);
      }
      this.backoffJitter = jitter;
      return this;
    }

    /** Body cap in bytes. @throws IllegalArgumentException unless in 1..{@value WebhookConfig#MAX_MAX_BODY_BYTES} */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1 || bytes > MAX_MAX_BODY_BYTES) {
        throw new IllegalArgumentException("maxBodyBytes must be in 1.." + MAX_MAX_BODY_BYTES + " but was " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** Lane count. @throws IllegalArgumentException unless in 1..{@value WebhookConfig#MAX_LANES} */
    public Builder lanes(int lanes) {
      if (lanes < 1 || lanes > MAX_LANES) {
        throw new IllegalArgumentException("lanes must be in 1.." + MAX_LANES + " but was " + lanes);
      }
      this.lanes = lanes;
      return this;
    }

    /**
     * Forward attempts before an event goes to the webhook dead letters.
     *
     * @throws IllegalArgumentException unless in 1..{@value WebhookConfig#MAX_MAX_ATTEMPTS}
     */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > MAX_MAX_ATTEMPTS) {
        throw new IllegalArgumentException("maxAttempts must be in 1.." + MAX_MAX_ATTEMPTS + " but was " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Adds a header sent with every forward request.
     *
     * @throws IllegalArgumentException if the name is blank, not a token, reserved (the signature,
     *     timestamp, event id, content and connection headers) or the value contains a line break
     */
    public Builder forwardHeader(String name, String value) {
      if (name == null || name.isBlank() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
        throw new IllegalArgumentException("forwardHeader name must be an HTTP token but was " + name);
      }
      if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("forwardHeader name must not be one the forwarder sets but was " + name);
      }
      if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("forwardHeader " + name + " value must be one line but was "
            + (value == null ? "null" : "multi-line"));
      }
      forwardHeaders.put(name, value);
      return this;
    }

    /** Retention of ids for de-duplication. @throws IllegalArgumentException unless in 1 min..365 days */
    public Builder retention(Duration retention) {
      this.retention = requireRange("retention", retention, Duration.ofMinutes(1), Duration.ofDays(365));
      return this;
    }

    /** The clock. @throws IllegalArgumentException if null */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new IllegalArgumentException("clock must not be null but was null");
      }
      this.clock = clock;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalStateException if the signing key or store path is missing, or backoffBase
     *     exceeds backoffCap
     */
    public WebhookConfig build() {
      if (signingKey == null) {
        throw new IllegalStateException("signingKey is required");
      }
      if (storePath == null) {
        throw new IllegalStateException("storePath is required");
      }
      if (backoffBase.compareTo(backoffCap) > 0) {
        throw new IllegalStateException("backoffBase must be <= backoffCap but was " + backoffBase + " > " + backoffCap);
      }
      return new WebhookConfig(this);
    }

    private static Duration requireRange(String field, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(field);
      if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(field + " must be in " + min + ".." + max + " but was " + value);
      }
      return value;
    }
  }
}
