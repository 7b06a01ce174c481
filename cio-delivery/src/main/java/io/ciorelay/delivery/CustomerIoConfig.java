package io.ciorelay.delivery;

import io.ciorelay.client.Credentials;
import io.ciorelay.client.Region;
import io.ciorelay.client.TrackClientConfig;
import io.ciorelay.delivery.breaker.BreakerConfig;
import io.ciorelay.delivery.health.HealthConfig;
import io.ciorelay.delivery.outbox.Durability;
import io.ciorelay.delivery.outbox.OutboxConfig;
import io.ciorelay.delivery.outbox.OutboxFactory;
import io.ciorelay.delivery.outbox.OverflowPolicy;
import io.ciorelay.delivery.ratelimit.RateLimitConfig;
import io.ciorelay.delivery.ratelimit.RateLimiter;
import io.ciorelay.delivery.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Everything a {@link CustomerIo} needs: the workspace, where to store the outbox, and the limits
 * and policies of delivery. Built with {@link #builder()}; setters reject bad values at once with a
 * message naming the setting, and {@link Builder#build()} checks rules that span settings.
 * Immutable and thread-safe.
 */
public final class CustomerIoConfig {
  public static final Path DEFAULT_STORAGE_PATH = Path.of("cio-data", "outbox.db");
  /**
   * Operations per v2 batch: high enough that batches are filled by bytes ({@link #DEFAULT_MAX_BATCH_BYTES}),
   * as Customer.io limits a batch by its size, not by a count.
   */
  public static final int DEFAULT_MAX_BATCH_OPERATIONS = 10_000;
  /** Request body bytes; Customer.io requires a batch request under 500 KB. */
  public static final int DEFAULT_MAX_BATCH_BYTES = 500_000;
  public static final Duration DEFAULT_LINGER = Duration.ofMillis(200);
  public static final Duration DEFAULT_IDENTIFY_DEDUP_WINDOW = Duration.ZERO;
  public static final long DEFAULT_IDENTIFY_DEDUP_SIZE = 100_000;
  public static final int DEFAULT_HTTP_THREADS = 4;
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);
  /** The API delivered to unless {@link Builder#api(Api)} says otherwise. */
  public static final Api DEFAULT_API = Api.TRACK_V2;
  /**
   * The rate limit used with {@link Api#PIPELINES} unless one is set: Customer.io's 3,000 requests
   * per 3 seconds (1,000 requests/s) at the default headroom.
   */
  public static final RateLimitConfig DEFAULT_PIPELINES_RATE_LIMIT =
      RateLimitConfig.of(1000, RateLimitConfig.DEFAULT_HEADROOM);

  private final String workspace;
  private final TrackClientConfig client;
  private final Api api;
  private final String pipelinesWriteKey;
  private final OutboxConfig outbox;
  private final int maxBatchOperations;
  private final int maxBatchBytes;
  private final Duration linger;
  private final RetryConfig retry;
  private final BreakerConfig breaker;
  private final RateLimitConfig rateLimit;
  private final RateLimiter rateLimiter;
  private final OutboxFactory outboxFactory;
  private final HealthConfig health;
  private final Duration identifyDedupWindow;
  private final long identifyDedupSize;
  private final int httpThreads;
  private final MeterRegistry meterRegistry;
  private final Clock clock;
  private final DoubleSupplier random;
  private final LongSupplier ticker;

  private CustomerIoConfig(Builder b, TrackClientConfig client, OutboxConfig outbox) {
    this.workspace = b.workspace;
    this.client = client;
    this.api = b.api;
    this.pipelinesWriteKey = b.pipelinesWriteKey;
    this.outbox = outbox;
    this.maxBatchOperations = b.maxBatchOperations;
    this.maxBatchBytes = b.maxBatchBytes;
    this.linger = b.linger;
    this.retry = b.retry;
    this.breaker = b.breaker;
    this.rateLimit = b.rateLimit != null ? b.rateLimit
        : b.api == Api.PIPELINES ? DEFAULT_PIPELINES_RATE_LIMIT : RateLimitConfig.defaults();
    this.rateLimiter = b.rateLimiter;
    this.outboxFactory = b.outboxFactory;
    this.health = b.health;
    this.identifyDedupWindow = b.identifyDedupWindow;
    this.identifyDedupSize = b.identifyDedupSize;
    this.httpThreads = b.httpThreads;
    this.meterRegistry = b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry();
    this.clock = b.clock;
    this.random = b.random;
    this.ticker = b.ticker;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Name of the workspace, used as the {@code workspace} tag on metrics and in thread names. */
  public String workspace() {
    return workspace;
  }

  /**
   * The connection settings: base URL (the chosen API's, for the region or as set), timeouts and
   * user agent; and the Track credentials. With {@link Api#PIPELINES} and no Track credentials set,
   * its credentials are a stand-in never sent anywhere (the write key authenticates).
   */
  public TrackClientConfig client() {
    return client;
  }

  /** The API operations are delivered to (default {@link Api#TRACK_V2}). */
  public Api api() {
    return api;
  }

  /** The Data Pipelines source write key, or null when not set. A secret: do not log it. */
  public String pipelinesWriteKey() {
    return pipelinesWriteKey;
  }

  public OutboxConfig outbox() {
    return outbox;
  }

  public int maxBatchOperations() {
    return maxBatchOperations;
  }

  public int maxBatchBytes() {
    return maxBatchBytes;
  }

  public Duration linger() {
    return linger;
  }

  public RetryConfig retry() {
    return retry;
  }

  public BreakerConfig breaker() {
    return breaker;
  }

  public RateLimitConfig rateLimit() {
    return rateLimit;
  }

  /** A rate limiter supplied by the caller (e.g. one shared by a fleet), or null for a local one. */
  public RateLimiter rateLimiter() {
    return rateLimiter;
  }

  /** Opens the store (default: the embedded SQLite file at {@link #outbox()}'s path). */
  public OutboxFactory outboxFactory() {
    return outboxFactory;
  }

  public HealthConfig health() {
    return health;
  }

  public Duration identifyDedupWindow() {
    return identifyDedupWindow;
  }

  public long identifyDedupSize() {
    return identifyDedupSize;
  }

  public int httpThreads() {
    return httpThreads;
  }

  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  public Clock clock() {
    return clock;
  }

  public DoubleSupplier random() {
    return random;
  }

  /** Monotonic nanoseconds for durations and deadlines (request latency, close); {@code System::nanoTime} by default. */
  public LongSupplier ticker() {
    return ticker;
  }

  @Override
  public String toString() {
    return "CustomerIoConfig{workspace=" + workspace + ", api=" + api + ", baseUrl=" + client.baseUrl()
        + ", credentials=" + client.credentials()
        + ", pipelinesWriteKey=" + (pipelinesWriteKey == null ? "not set" : "****") + ", outbox=" + outbox.path()
        + ", maxBatchOperations=" + maxBatchOperations + ", maxBatchBytes=" + maxBatchBytes
        + ", linger=" + linger + ", " + retry + ", " + breaker + ", " + rateLimit + '}';
  }

  /** Builder for {@link CustomerIoConfig}; not thread-safe. */
  public static final class Builder {
    private String workspace = "default";
    private Credentials credentials;
    private Api api = DEFAULT_API;
    private String pipelinesWriteKey;
    private Region region = Region.US;
    private URI baseUrl;
    private Duration connectTimeout = TrackClientConfig.DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = TrackClientConfig.DEFAULT_REQUEST_TIMEOUT;
    private Path storagePath = DEFAULT_STORAGE_PATH;
    private Durability durability = Durability.SYNC;
    private Duration asyncCommitInterval;
    private Long maxPendingOperations;
    private Long maxPendingBytes;
    private OverflowPolicy overflowPolicy = OverflowPolicy.REJECT;
    private Duration blockTimeout = Duration.ZERO;
    private Integer lanes;
    private int maxBatchOperations = DEFAULT_MAX_BATCH_OPERATIONS;
    private int maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
    private Duration linger = DEFAULT_LINGER;
    private RetryConfig retry = RetryConfig.defaults();
    private BreakerConfig breaker = BreakerConfig.defaults();
    private RateLimitConfig rateLimit;
    private RateLimiter rateLimiter;
    private OutboxFactory outboxFactory = OutboxFactory.SQLITE;
    private HealthConfig health = HealthConfig.defaults();
    private Duration identifyDedupWindow = DEFAULT_IDENTIFY_DEDUP_WINDOW;
    private long identifyDedupSize = DEFAULT_IDENTIFY_DEDUP_SIZE;
    private int httpThreads = DEFAULT_HTTP_THREADS;
    private MeterRegistry meterRegistry;
    private Clock clock = Clock.systemUTC();
    private DoubleSupplier random = new Random()::nextDouble;
    private LongSupplier ticker = System::nanoTime;

    private Builder() {}

    public Builder workspace(String v) {
      if (v == null || v.isBlank() || !v.matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new IllegalArgumentException(
            "workspace must be 1..64 characters of [A-Za-z0-9_.-] but was '" + v + "'");
      }
      this.workspace = v;
      return this;
    }

    public Builder credentials(String siteId, String apiKey) {
      this.credentials = Credentials.of(siteId, apiKey);
      return this;
    }

    public Builder credentials(Credentials v) {
      this.credentials = Objects.requireNonNull(v, "credentials");
      return this;
    }

    /** The API to deliver to: {@link Api#TRACK_V2} (default) or {@link Api#PIPELINES}. */
    public Builder api(Api v) {
      this.api = Objects.requireNonNull(v, "api");
      return this;
    }

    /**
     * The Data Pipelines source write key (HTTP Basic user, empty password); required with
     * {@link Api#PIPELINES}. Null clears it.
     *
     * @throws IllegalArgumentException if blank or containing {@code :} (the message never shows the key)
     */
    public Builder pipelinesWriteKey(String v) {
      if (v != null && (v.isBlank() || v.contains(":"))) {
        throw new IllegalArgumentException("pipelinesWriteKey must be a non-blank write key without ':'");
      }
      this.pipelinesWriteKey = v;
      return this;
    }

    public Builder region(Region v) {
      this.region = Objects.requireNonNull(v, "region");
      return this;
    }

    /**
     * Customer.io base URL of the chosen API (without {@code /api/v1} or {@code /v1}); overrides
     * the region's ({@code https://track.customer.io} or, with {@link Api#PIPELINES},
     * {@code https://cdp.customer.io}).
     */
    public Builder baseUrl(URI v) {
      TrackClientConfig.builder().baseUrl(v);
      this.baseUrl = v;
      return this;
    }

    public Builder baseUrl(String v) {
      URI uri;
      try {
        uri = URI.create(Objects.requireNonNull(v, "baseUrl"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("baseUrl must be an absolute http or https URI but was '" + v + "'", e);
      }
      return baseUrl(uri);
    }

    /** TCP connect timeout; positive (checked here, by the client's own builder). */
    public Builder connectTimeout(Duration v) {
      TrackClientConfig.builder().connectTimeout(v);
      this.connectTimeout = v;
      return this;
    }

    /** Deadline of one request; positive (checked here, by the client's own builder). */
    public Builder requestTimeout(Duration v) {
      TrackClientConfig.builder().requestTimeout(v);
      this.requestTimeout = v;
      return this;
    }

    /** The SQLite file of the outbox (default {@code cio-data/outbox.db}). */
    public Builder storagePath(Path v) {
      this.storagePath = Objects.requireNonNull(v, "storagePath");
      return this;
    }

    public Builder durability(Durability v) {
      this.durability = Objects.requireNonNull(v, "durability");
      return this;
    }

    /** How often an ASYNC outbox commits; checked here by the outbox's own builder. */
    public Builder asyncCommitInterval(Duration v) {
      OutboxConfig.builder().asyncCommitInterval(v);
      this.asyncCommitInterval = v;
      return this;
    }

    public Builder maxPendingOperations(long v) {
      OutboxConfig.builder().maxPendingOperations(v);
      this.maxPendingOperations = v;
      return this;
    }

    public Builder maxPendingBytes(long v) {
      OutboxConfig.builder().maxPendingBytes(v);
      this.maxPendingBytes = v;
      return this;
    }

    public Builder overflowPolicy(OverflowPolicy v) {
      this.overflowPolicy = Objects.requireNonNull(v, "overflowPolicy");
      return this;
    }

    public Builder blockTimeout(Duration v) {
      OutboxConfig.builder().blockTimeout(v);
      this.blockTimeout = v;
      return this;
    }

    /** Number of ordered lanes (person hash partitions) delivered concurrently. */
    public Builder lanes(int v) {
      OutboxConfig.builder().lanes(v);
      this.lanes = v;
      return this;
    }

    public Builder maxBatchOperations(int v) {
      if (v < 1 || v > 10_000) {
        throw new IllegalArgumentException("maxBatchOperations must be in 1..10000 but was " + v);
      }
      this.maxBatchOperations = v;
      return this;
    }

    public Builder maxBatchBytes(int v) {
      if (v < 33_000 || v > DEFAULT_MAX_BATCH_BYTES) {
        throw new IllegalArgumentException(
            "maxBatchBytes must be in 33000..500000 but was " + v);
      }
      this.maxBatchBytes = v;
      return this;
    }

    /** How long a lane waits for more operations before sending a part-full batch. */
    public Builder linger(Duration v) {
      Objects.requireNonNull(v, "linger");
      if (v.isNegative() || v.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("linger must be in 0..PT1M but was " + v);
      }
      this.linger = v;
      return this;
    }

    public Builder retry(RetryConfig v) {
      this.retry = Objects.requireNonNull(v, "retry");
      return this;
    }

    public Builder breaker(BreakerConfig v) {
      this.breaker = Objects.requireNonNull(v, "breaker");
      return this;
    }

    public Builder rateLimit(RateLimitConfig v) {
      this.rateLimit = Objects.requireNonNull(v, "rateLimit");
      return this;
    }

    /** Shorthand for {@code rateLimit(RateLimitConfig.of(requestsPerSecond, headroom))}. */
    public Builder rateLimit(double requestsPerSecond, double headroom) {
      return rateLimit(RateLimitConfig.of(requestsPerSecond, headroom));
    }

    /** Use this limiter instead of a local one (e.g. a fleet-wide one). */
    public Builder rateLimiter(RateLimiter v) {
      this.rateLimiter = Objects.requireNonNull(v, "rateLimiter");
      return this;
    }

    /** Use this store instead of the embedded SQLite file (e.g. a shared Redis one). */
    public Builder outboxFactory(OutboxFactory v) {
      this.outboxFactory = Objects.requireNonNull(v, "outboxFactory");
      return this;
    }

    public Builder health(HealthConfig v) {
      this.health = Objects.requireNonNull(v, "health");
      return this;
    }

    /**
     * Skip an identify whose attributes equal the last one accepted for that person within this
     * window (0 = off, the default). Saves quota for apps that re-identify on every request.
     */
    public Builder identifyDedupWindow(Duration v) {
      Objects.requireNonNull(v, "identifyDedupWindow");
      if (v.isNegative()) {
        throw new IllegalArgumentException("identifyDedupWindow must not be negative but was " + v);
      }
      this.identifyDedupWindow = v;
      return this;
    }

    public Builder identifyDedupSize(long v) {
      if (v < 1) {
        throw new IllegalArgumentException("identifyDedupSize must be at least 1 but was " + v);
      }
      this.identifyDedupSize = v;
      return this;
    }

    /** Threads of the HTTP client (bounded, so stalls cannot multiply threads). */
    public Builder httpThreads(int v) {
      if (v < 1 || v > 64) {
        throw new IllegalArgumentException("httpThreads must be in 1..64 but was " + v);
      }
      this.httpThreads = v;
      return this;
    }

    public Builder meterRegistry(MeterRegistry v) {
      this.meterRegistry = Objects.requireNonNull(v, "meterRegistry");
      return this;
    }

    public Builder clock(Clock v) {
      this.clock = Objects.requireNonNull(v, "clock");
      return this;
    }

    /** Random source for jitter, values in [0, 1). */
    public Builder random(DoubleSupplier v) {
      this.random = Objects.requireNonNull(v, "random");
      return this;
    }

    /** Monotonic nanoseconds ({@link System#nanoTime()} by default); tests pass one that moves with their clock. */
    public Builder ticker(LongSupplier v) {
      this.ticker = Objects.requireNonNull(v, "ticker");
      return this;
    }

    public CustomerIoConfig build() {
      Credentials creds = credentials;
      if (api == Api.PIPELINES) {
        if (pipelinesWriteKey == null) {
          throw new IllegalArgumentException("pipelinesWriteKey must be set when api is PIPELINES");
        }
        if (creds == null) {
          creds = Credentials.of("pipelines", "unused"); // a stand-in: the write key authenticates
        }
      } else if (credentials == null) {
        throw new IllegalArgumentException("credentials must be set (site id and API key)");
      }
      TrackClientConfig.Builder cb = TrackClientConfig.builder()
          .credentials(creds)
          .region(region)
          .baseUrl(baseUrl != null ? baseUrl : api.baseUrl(region))
          .connectTimeout(connectTimeout)
          .requestTimeout(requestTimeout);
      OutboxConfig.Builder ob = OutboxConfig.builder()
          .path(storagePath)
          .durability(durability)
          .overflowPolicy(overflowPolicy)
          .blockTimeout(blockTimeout)
          .clock(clock)
          .ticker(ticker);
      if (asyncCommitInterval != null) {
        ob.asyncCommitInterval(asyncCommitInterval);
      }
      if (maxPendingOperations != null) {
        ob.maxPendingOperations(maxPendingOperations);
      }
      if (maxPendingBytes != null) {
        ob.maxPendingBytes(maxPendingBytes);
      }
      if (lanes != null) {
        ob.lanes(lanes);
      }
      return new CustomerIoConfig(this, cb.build(), ob.build());
    }
  }
}
