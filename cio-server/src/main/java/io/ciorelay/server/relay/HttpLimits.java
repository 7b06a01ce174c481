package io.ciorelay.server.relay;

import java.time.Duration;

/**
 * The limits that keep any one client from holding the relay's shared resources: connections,
 * threads, the time and rate at which a request is read and its answer written, the heap a request
 * may cost, and the webhook route's own share.
 *
 * <p>Defaults: {@value #DEFAULT_MAX_CONNECTIONS} connections per listener (the next one gets
 * {@code 503} and is closed), {@value #DEFAULT_HTTP_THREADS} request threads, idle connections
 * closed after {@value #DEFAULT_IDLE_TIMEOUT_SECONDS} s, request headers read within
 * {@value #DEFAULT_HEADER_TIMEOUT_SECONDS} s, a body read within {@value #DEFAULT_BODY_TIMEOUT_SECONDS} s
 * and arriving at {@value #DEFAULT_MIN_BODY_RATE} bytes/s or faster after its first second, an answer
 * written within {@value #DEFAULT_RESPONSE_TIMEOUT_SECONDS} s, at most
 * {@value #DEFAULT_MAX_BUFFERED_BODY_BYTES} bytes of request bodies held at once,
 * {@value #DEFAULT_MAX_JSON_TOKENS} JSON tokens per parsed body or batch operation,
 * {@value #DEFAULT_MAX_BATCH_OPERATIONS} operations per v2 batch, and for the webhook route
 * {@value #DEFAULT_WEBHOOK_MAX_CONCURRENT} requests handled at once, and (on its own port)
 * {@value #DEFAULT_WEBHOOK_THREADS} threads and {@value #DEFAULT_WEBHOOK_MAX_CONNECTIONS} connections.
 *
 * <p>Setters reject bad values at once, naming the field and the value. Immutable and thread-safe.
 */
public final class HttpLimits {
  public static final int DEFAULT_MAX_CONNECTIONS = 1000;
  public static final int DEFAULT_HTTP_THREADS = 32;
  public static final long DEFAULT_IDLE_TIMEOUT_SECONDS = 30;
  public static final long DEFAULT_HEADER_TIMEOUT_SECONDS = 10;
  public static final long DEFAULT_BODY_TIMEOUT_SECONDS = 30;
  public static final long DEFAULT_MIN_BODY_RATE = 1024;
  public static final long DEFAULT_RESPONSE_TIMEOUT_SECONDS = 10;
  public static final long DEFAULT_MAX_BUFFERED_BODY_BYTES = 64L * 1024 * 1024;
  public static final long DEFAULT_MAX_JSON_TOKENS = RelayConfig.DEFAULT_MAX_JSON_TOKENS;
  public static final int DEFAULT_MAX_BATCH_OPERATIONS = RelayConfig.DEFAULT_MAX_BATCH_OPERATIONS;
  public static final int DEFAULT_WEBHOOK_MAX_CONCURRENT = 8;
  public static final int DEFAULT_WEBHOOK_THREADS = 8;
  public static final int DEFAULT_WEBHOOK_MAX_CONNECTIONS = 256;

  private final int maxConnections;
  private final int httpThreads;
  private final Duration idleTimeout;
  private final Duration headerTimeout;
  private final Duration bodyTimeout;
  private final long minBodyRate;
  private final Duration responseTimeout;
  private final long maxBufferedBodyBytes;
  private final long maxJsonTokens;
  private final int maxBatchOperations;
  private final int webhookMaxConcurrent;
  private final int webhookThreads;
  private final int webhookMaxConnections;

  private HttpLimits(Builder b) {
    this.maxConnections = b.maxConnections;
    this.httpThreads = b.httpThreads;
    this.idleTimeout = b.idleTimeout;
    this.headerTimeout = b.headerTimeout;
    this.bodyTimeout = b.bodyTimeout;
    this.minBodyRate = b.minBodyRate;
    this.responseTimeout = b.responseTimeout;
    this.maxBufferedBodyBytes = b.maxBufferedBodyBytes;
    this.maxJsonTokens = b.maxJsonTokens;
    this.maxBatchOperations = b.maxBatchOperations;
    this.webhookMaxConcurrent = b.webhookMaxConcurrent;
    this.webhookThreads = b.webhookThreads;
    this.webhookMaxConnections = b.webhookMaxConnections;
  }

  public static HttpLimits defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Open connections per listener; one more is answered {@code 503} and closed. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Threads that run requests on the main (and management) listener. */
  public int httpThreads() {
    return httpThreads;
  }

  /** A connection with no traffic for this long is closed. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** A request's headers must be complete this long after its first byte, else the connection is closed. */
  public Duration headerTimeout() {
    return headerTimeout;
  }

  /** A request body must be complete this long after the headers, else {@code 408}. */
  public Duration bodyTimeout() {
    return bodyTimeout;
  }

  /** Bytes per second a body must average after its first second, else {@code 408}. */
  public long minBodyRate() {
    return minBodyRate;
  }

  /** An answer the client does not read within this long is abandoned and the connection closed. */
  public Duration responseTimeout() {
    return responseTimeout;
  }

  /** Request body bytes held in memory at once across all requests; beyond, {@code 503} with Retry-After. */
  public long maxBufferedBodyBytes() {
    return maxBufferedBodyBytes;
  }

  /** JSON tokens one parsed body (or one batch operation) may hold. */
  public long maxJsonTokens() {
    return maxJsonTokens;
  }

  /** Operations one v2 batch may hold. */
  public int maxBatchOperations() {
    return maxBatchOperations;
  }

  /** Webhook requests handled at once; beyond, {@code 503} with Retry-After. */
  public int webhookMaxConcurrent() {
    return webhookMaxConcurrent;
  }

  /** Threads of the webhook listener, when it has its own port. */
  public int webhookThreads() {
    return webhookThreads;
  }

  /** Open connections of the webhook listener, when it has its own port. */
  public int webhookMaxConnections() {
    return webhookMaxConnections;
  }

  @Override
  public String toString() {
    return "relay.max-connections=" + maxConnections + "\nrelay.http-threads=" + httpThreads
        + "\nrelay.idle-timeout=" + idleTimeout + "\nrelay.header-timeout=" + headerTimeout
        + "\nrelay.body-timeout=" + bodyTimeout + "\nrelay.min-body-rate=" + minBodyRate
        + "\nrelay.response-timeout=" + responseTimeout + "\nrelay.max-buffered-body-bytes=" + maxBufferedBodyBytes
        + "\nrelay.max-json-tokens=" + maxJsonTokens + "\nrelay.max-batch-operations=" + maxBatchOperations
        + "\nrelay.webhook-max-concurrent=" + webhookMaxConcurrent + "\nrelay.webhook-threads=" + webhookThreads
        + "\nrelay.webhook-max-connections=" + webhookMaxConnections;
  }

  /** Builder for {@link HttpLimits}; setters reject bad values at once. Not thread-safe. */
  public static final class Builder {
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int httpThreads = DEFAULT_HTTP_THREADS;
    private Duration idleTimeout = Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS);
    private Duration headerTimeout = Duration.ofSeconds(DEFAULT_HEADER_TIMEOUT_SECONDS);
    private Duration bodyTimeout = Duration.ofSeconds(DEFAULT_BODY_TIMEOUT_SECONDS);
    private long minBodyRate = DEFAULT_MIN_BODY_RATE;
    private Duration responseTimeout = Duration.ofSeconds(DEFAULT_RESPONSE_TIMEOUT_SECONDS);
    private long maxBufferedBodyBytes = DEFAULT_MAX_BUFFERED_BODY_BYTES;
    private long maxJsonTokens = DEFAULT_MAX_JSON_TOKENS;
    private int maxBatchOperations = DEFAULT_MAX_BATCH_OPERATIONS;
    private int webhookMaxConcurrent = DEFAULT_WEBHOOK_MAX_CONCURRENT;
    private int webhookThreads = DEFAULT_WEBHOOK_THREADS;
    private int webhookMaxConnections = DEFAULT_WEBHOOK_MAX_CONNECTIONS;

    private Builder() {}

    public Builder maxConnections(int v) {
      this.maxConnections = range("maxConnections", v, 1, 1_000_000);
      return this;
    }

    public Builder httpThreads(int v) {
      this.httpThreads = range("httpThreads", v, 4, 10_000);
      return this;
    }

    public Builder idleTimeout(Duration v) {
      this.idleTimeout = atLeast("idleTimeout", v, Duration.ofMillis(100));
      return this;
    }

    public Builder headerTimeout(Duration v) {
      this.headerTimeout = atLeast("headerTimeout", v, Duration.ofMillis(100));
      return this;
    }

    public Builder bodyTimeout(Duration v) {
      this.bodyTimeout = atLeast("bodyTimeout", v, Duration.ofMillis(100));
      return this;
    }

    /** Bytes per second; 0 turns the rate check off (the body timeout still applies). */
    public Builder minBodyRate(long v) {
      if (v < 0 || v > 1_000_000_000L) {
        throw new IllegalArgumentException("minBodyRate must be in 0..1000000000 bytes/s but was " + v);
      }
      this.minBodyRate = v;
      return this;
    }

    public Builder responseTimeout(Duration v) {
      this.responseTimeout = atLeast("responseTimeout", v, Duration.ofMillis(100));
      return this;
    }

    public Builder maxBufferedBodyBytes(long v) {
      if (v < 1024 || v > 64L * 1024 * 1024 * 1024) {
        throw new IllegalArgumentException("maxBufferedBodyBytes must be in 1024..68719476736 but was " + v);
      }
      this.maxBufferedBodyBytes = v;
      return this;
    }

    public Builder maxJsonTokens(long v) {
      if (v < 100 || v > 100_000_000L) {
        throw new IllegalArgumentException("maxJsonTokens must be in 100..100000000 but was " + v);
      }
      this.maxJsonTokens = v;
      return this;
    }

    public Builder maxBatchOperations(int v) {
      this.maxBatchOperations = range("maxBatchOperations", v, 1, 1_000_000);
      return this;
    }

    public Builder webhookMaxConcurrent(int v) {
      this.webhookMaxConcurrent = range("webhookMaxConcurrent", v, 1, 10_000);
      return this;
    }

    public Builder webhookThreads(int v) {
      this.webhookThreads = range("webhookThreads", v, 4, 10_000);
      return this;
    }

    public Builder webhookMaxConnections(int v) {
      this.webhookMaxConnections = range("webhookMaxConnections", v, 1, 1_000_000);
      return this;
    }

    public HttpLimits build() {
      return new HttpLimits(this);
    }

    private static int range(String name, int v, int min, int max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(name + " must be in " + min + ".." + max + " but was " + v);
      }
      return v;
    }

    private static Duration atLeast(String name, Duration v, Duration min) {
      if (v == null || v.compareTo(min) < 0) {
        throw new IllegalArgumentException(name + " must be at least " + min.toMillis() + " ms but was " + v);
      }
      return v;
    }
  }
}
