package io.ciorelay.spring;

import io.ciorelay.client.Region;
import io.ciorelay.delivery.outbox.Durability;
import io.ciorelay.delivery.outbox.OverflowPolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The settings of one Customer.io workspace, as {@code cio.*} (the only or default workspace) or
 * {@code cio.workspaces.<name>.*} (one of several; unset values fall back to {@code cio.*}).
 * Every value left unset keeps the library's default; values are checked by the library's own
 * builders, never here. Mutable JavaBean for Spring's binder; not thread-safe.
 */
public class CioWorkspaceProperties {
  /** Customer.io site id of the workspace (Track API credentials). */
  private String siteId;
  /** Customer.io Track API key of the workspace. Never logged. */
  private String apiKey;
  /** Data centre of the workspace: US (default) or EU. */
  private Region region;
  /** Base URL of the Track API, overriding the region (e.g. a relay or the simulator). */
  private String baseUrl;
  /** The API delivered to: TRACK_V2 (default, the Track API) or PIPELINES (Data Pipelines, with pipelines-write-key). */
  private io.ciorelay.delivery.Api api;
  /** Data Pipelines source write key, required with api PIPELINES. Never logged. */
  private String pipelinesWriteKey;
  /** SQLite file of the embedded outbox. Default cio-data/outbox.db (several workspaces: cio-data/NAME/outbox.db). */
  private Path storagePath;
  /** When an accepted operation is on disk: SYNC (default, committed before the call returns) or ASYNC. */
  private Durability durability;
  /** How often the ASYNC outbox commits (the exposure window of an ASYNC acceptance). */
  private Duration asyncCommitInterval;
  /** Number of ordered lanes (person-hash partitions) delivered concurrently. */
  private Integer lanes;
  /** Operations at most in one batch request. Default 1000. */
  private Integer maxBatchOperations;
  /** Request body bytes at most in one batch request. Default 500000. */
  private Integer maxBatchBytes;
  /** How long a lane waits for more operations before sending a part-full batch. Default 200ms. */
  private Duration linger;
  /** TCP connect timeout of the HTTP client. */
  private Duration connectTimeout;
  /** Deadline of one request to Customer.io. */
  private Duration requestTimeout;
  /** Threads of the HTTP client. Default 4. */
  private Integer httpThreads;
  /** Operations at most waiting in the outbox before the overflow policy applies. */
  private Long maxPendingOperations;
  /** Bytes at most waiting in the outbox before the overflow policy applies. */
  private Long maxPendingBytes;
  /** What a call does when the outbox is full: REJECT (default) or BLOCK (up to block-timeout). */
  private OverflowPolicy overflowPolicy;
  /** How long a call may wait for room with overflow-policy BLOCK. Default 0. */
  private Duration blockTimeout;
  /** Skip an identify whose attributes did not change within this window. Default 0 (off). */
  private Duration identifyDedupWindow;
  /** People remembered by the identify dedup. Default 100000. */
  private Long identifyDedupSize;
  /** Health turns DEGRADED when the oldest pending operation is older than this. Default 5m. */
  private Duration maxPendingAge;

  /** The workspace rate limit. */
  @NestedConfigurationProperty
  private RateLimit rateLimit = new RateLimit();
  /** Retries of failed requests. */
  @NestedConfigurationProperty
  private Retry retry = new Retry();
  /** The circuit breaker in front of Customer.io. */
  @NestedConfigurationProperty
  private Breaker breaker = new Breaker();

  /** {@code cio.rate-limit.*}: Customer.io's limit and the share of it used. */
  public static class RateLimit {
    /** Requests per second the workspace allows. Default 100. */
    private Double requestsPerSecond;
    /** Share of the limit used, in (0, 1]. Default 0.8. */
    private Double headroom;

    public Double getRequestsPerSecond() {
      return requestsPerSecond;
    }

    public void setRequestsPerSecond(Double v) {
      this.requestsPerSecond = v;
    }

    public Double getHeadroom() {
      return headroom;
    }

    public void setHeadroom(Double v) {
      this.headroom = v;
    }
  }

  /** {@code cio.retry.*}: exponential back-off with jitter and a total budget. */
  public static class Retry {
    /** First back-off delay. Default 1s. */
    private Duration baseDelay;
    /** Longest back-off delay. Default 60s. */
    private Duration maxDelay;
    /** Jitter as a share of the delay, in [0, 1]. Default 0.3. */
    private Double jitter;
    /** Longest Retry-After honoured. Default 5m. */
    private Duration retryAfterCap;
    /** Time after the first attempt after which an operation is dead-lettered. Default 24h. */
    private Duration budget;
    /** Attempts after which an operation is dead-lettered. Default 50. */
    private Integer maxAttempts;
    /** How often a workspace paused by refused credentials tries again. Default 60s. */
    private Duration authRetryInterval;
    /** How often a workspace paused by an endpoint that answers as if it were wrong tries again. Default 30s. */
    private Duration endpointRetryInterval;

    public Duration getBaseDelay() {
      return baseDelay;
    }

    public void setBaseDelay(Duration v) {
      this.baseDelay = v;
    }

    public Duration getMaxDelay() {
      return maxDelay;
    }

    public void setMaxDelay(Duration v) {
      this.maxDelay = v;
    }

    public Double getJitter() {
      return jitter;
    }

    public void setJitter(Double v) {
      this.jitter = v;
    }

    public Duration getRetryAfterCap() {
      return retryAfterCap;
    }

    public void setRetryAfterCap(Duration v) {
      this.retryAfterCap = v;
    }

    public Duration getBudget() {
      return budget;
    }

    public void setBudget(Duration v) {
      this.budget = v;
    }

    public Integer getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(Integer v) {
      this.maxAttempts = v;
    }

    public Duration getAuthRetryInterval() {
      return authRetryInterval;
    }

    public void setAuthRetryInterval(Duration v) {
      this.authRetryInterval = v;
    }

    public Duration getEndpointRetryInterval() {
      return endpointRetryInterval;
    }

    public void setEndpointRetryInterval(Duration v) {
      this.endpointRetryInterval = v;
    }
  }

  /** {@code cio.breaker.*}: when delivery stops trying for a while. */
  public static class Breaker {
    /** Consecutive failed requests that open the breaker. Default 5. */
    private Integer failureThreshold;
    /** Probe requests let through while half-open. Default 3. */
    private Integer halfOpenCalls;
    /** How long the breaker stays open before probing. Default 30s. */
    private Duration openWait;
    /** A request slower than this counts as failed. Default 10s. */
    private Duration slowCallThreshold;

    public Integer getFailureThreshold() {
      return failureThreshold;
    }

    public void setFailureThreshold(Integer v) {
      this.failureThreshold = v;
    }

    public Integer getHalfOpenCalls() {
      return halfOpenCalls;
    }

    public void setHalfOpenCalls(Integer v) {
      this.halfOpenCalls = v;
    }

    public Duration getOpenWait() {
      return openWait;
    }

    public void setOpenWait(Duration v) {
      this.openWait = v;
    }

    public Duration getSlowCallThreshold() {
      return slowCallThreshold;
    }

    public void setSlowCallThreshold(Duration v) {
      this.slowCallThreshold = v;
    }
  }

  public String getSiteId() {
    return siteId;
  }

  public void setSiteId(String v) {
    this.siteId = v;
  }

  public io.ciorelay.delivery.Api getApi() {
    return api;
  }

  public void setApi(io.ciorelay.delivery.Api v) {
    this.api = v;
  }

  public String getPipelinesWriteKey() {
    return pipelinesWriteKey;
  }

  public void setPipelinesWriteKey(String v) {
    this.pipelinesWriteKey = v;
  }

  public String getApiKey() {
    return apiKey;
  }

  public void setApiKey(String v) {
    this.apiKey = v;
  }

  public Region getRegion() {
    return region;
  }

  public void setRegion(Region v) {
    this.region = v;
  }

  public String getBaseUrl() {
    return baseUrl;
  }

  public void setBaseUrl(String v) {
    this.baseUrl = v;
  }

  public Path getStoragePath() {
    return storagePath;
  }

  public void setStoragePath(Path v) {
    this.storagePath = v;
  }

  public Durability getDurability() {
    return durability;
  }

  public void setDurability(Durability v) {
    this.durability = v;
  }

  public Duration getAsyncCommitInterval() {
    return asyncCommitInterval;
  }

  public void setAsyncCommitInterval(Duration v) {
    this.asyncCommitInterval = v;
  }

  public Integer getLanes() {
    return lanes;
  }

  public void setLanes(Integer v) {
    this.lanes = v;
  }

  public Integer getMaxBatchOperations() {
    return maxBatchOperations;
  }

  public void setMaxBatchOperations(Integer v) {
    this.maxBatchOperations = v;
  }

  public Integer getMaxBatchBytes() {
    return maxBatchBytes;
  }

  public void setMaxBatchBytes(Integer v) {
    this.maxBatchBytes = v;
  }

  public Duration getLinger() {
    return linger;
  }

  public void setLinger(Duration v) {
    this.linger = v;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration v) {
    this.connectTimeout = v;
  }

  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  public void setRequestTimeout(Duration v) {
    this.requestTimeout = v;
  }

  public Integer getHttpThreads() {
    return httpThreads;
  }

  public void setHttpThreads(Integer v) {
    this.httpThreads = v;
  }

  public Long getMaxPendingOperations() {
    return maxPendingOperations;
  }

  public void setMaxPendingOperations(Long v) {
    this.maxPendingOperations = v;
  }

  public Long getMaxPendingBytes() {
    return maxPendingBytes;
  }

  public void setMaxPendingBytes(Long v) {
    this.maxPendingBytes = v;
  }

  public OverflowPolicy getOverflowPolicy() {
    return overflowPolicy;
  }

  public void setOverflowPolicy(OverflowPolicy v) {
    this.overflowPolicy = v;
  }

  public Duration getBlockTimeout() {
    return blockTimeout;
  }

  public void setBlockTimeout(Duration v) {
    this.blockTimeout = v;
  }

  public Duration getIdentifyDedupWindow() {
    return identifyDedupWindow;
  }

  public void setIdentifyDedupWindow(Duration v) {
    this.identifyDedupWindow = v;
  }

  public Long getIdentifyDedupSize() {
    return identifyDedupSize;
  }

  public void setIdentifyDedupSize(Long v) {
    this.identifyDedupSize = v;
  }

  public Duration getMaxPendingAge() {
    return maxPendingAge;
  }

  public void setMaxPendingAge(Duration v) {
    this.maxPendingAge = v;
  }

  public RateLimit getRateLimit() {
    return rateLimit;
  }

  public void setRateLimit(RateLimit v) {
    this.rateLimit = v;
  }

  public Retry getRetry() {
    return retry;
  }

  public void setRetry(Retry v) {
    this.retry = v;
  }

  public Breaker getBreaker() {
    return breaker;
  }

  public void setBreaker(Breaker v) {
    this.breaker = v;
  }
}
