package io.ciorelay.spring;

import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.health.HealthConfig;
import io.ciorelay.delivery.breaker.BreakerConfig;
import io.ciorelay.delivery.ratelimit.RateLimitConfig;
import io.ciorelay.delivery.retry.RetryConfig;
import io.ciorelay.delivery.routing.Routing;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Binds {@link CioProperties} onto the library's builders ({@link CustomerIoConfig.Builder},
 * {@link RetryConfig.Builder}, {@link BreakerConfig.Builder}, {@link RateLimitConfig},
 * {@link HealthConfig} and, for {@code cio.store.*}, the Redis store's builder). It checks
 * nothing itself: every rule is the library's, and a refusal is rethrown as a
 * {@link CioPropertyException} naming the property it came from. Stateless and thread-safe.
 */
public final class CioConfigBinder {
  /** The name of the single workspace configured at the top level. */
  public static final String DEFAULT_WORKSPACE = "default";
  static final String REDIS_CLASS = "io.ciorelay.redis.RedisStoreConfig";

  private CioConfigBinder() {}

  /**
   * What the properties describe: one config per workspace, the routing rule when there are
   * several (else null), and what must be closed after the workspaces (Redis rate limiters).
   */
  public record Bound(List<CustomerIoConfig> configs, Routing routing, List<AutoCloseable> resources) {
    public boolean several() {
      return routing != null;
    }
  }

  /**
   * @param registry the application's meter registry, or null for the library's own
   * @param routingBean a routing rule defined as a bean, or null to use {@code cio.routing.*}
   * @throws CioPropertyException naming the property when the library refuses a value
   */
  public static Bound bind(CioProperties props, MeterRegistry registry, List<CioCustomizer> customizers,
      Routing routingBean) {
    return bind(props, registry, customizers, routingBean, CioConfigBinder.class.getClassLoader());
  }

  /** As above, looking for the optional cio-redis in {@code classLoader} (the application's). */
  public static Bound bind(CioProperties props, MeterRegistry registry, List<CioCustomizer> customizers,
      Routing routingBean, ClassLoader classLoader) {
    Objects.requireNonNull(props, "props");
    List<AutoCloseable> resources = new ArrayList<>();
    List<CustomerIoConfig> configs = new ArrayList<>();
    try {
      if (props.getWorkspaces().isEmpty()) {
        configs.add(workspace(props, null, DEFAULT_WORKSPACE, "cio.", false, registry, customizers, resources,
            classLoader));
        return new Bound(configs, null, resources);
      }
      for (Map.Entry<String, CioWorkspaceProperties> e : props.getWorkspaces().entrySet()) {
        CioWorkspaceProperties own = e.getValue() != null ? e.getValue() : new CioWorkspaceProperties();
        configs.add(workspace(props, own, e.getKey(), "cio.workspaces." + e.getKey() + ".", true, registry,
            customizers, resources, classLoader));
      }
      List<String> names = new ArrayList<>(props.getWorkspaces().keySet());
      Routing routing = routingBean != null ? routingBean : routing(props.getRouting(), names);
      return new Bound(configs, routing, resources);
    } catch (RuntimeException e) {
      closeQuietly(resources);
      throw e;
    }
  }

  static void closeQuietly(List<AutoCloseable> resources) {
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception ignored) {
        // closing what a refused configuration opened; the refusal is what the user needs to see
      }
    }
  }

  /** One workspace's settings: its own value of each property if set, else the top-level one. */
  private static final class Scope {
    final CioWorkspaceProperties top;
    final CioWorkspaceProperties own;
    final String ownPrefix;
    /** Library setting name (as its messages start) → the property it was set from. */
    final Map<String, String> origins = new HashMap<>();

    Scope(CioWorkspaceProperties top, CioWorkspaceProperties own, String ownPrefix) {
      this.top = top;
      this.own = own;
      this.ownPrefix = ownPrefix;
    }

    <T> String origin(Function<CioWorkspaceProperties, T> get, String key) {
      if (own != null && get.apply(own) != null) {
        return ownPrefix + key;
      }
      return get.apply(top) != null ? "cio." + key : null;
    }

    <T> T value(Function<CioWorkspaceProperties, T> get) {
      T v = own != null ? get.apply(own) : null;
      return v != null ? v : get.apply(top);
    }

    /** Applies the value if set (own, else top level), naming the property if the library refuses it. */
    <T> void set(String key, String librarySetting, Function<CioWorkspaceProperties, T> get, Consumer<T> setter) {
      T v = value(get);
      if (v == null) {
        return;
      }
      String property = origin(get, key);
      origins.put(librarySetting, property);
      try {
        setter.accept(v);
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new CioPropertyException(property, e.getMessage(), e);
      }
    }

    /** A refusal from a build() (rules checked there): named after the setting its message starts with. */
    CioPropertyException refused(RuntimeException e, String fallbackProperty) {
      String msg = String.valueOf(e.getMessage());
      String first = msg.split("[ :(]", 2)[0];
      String property = origins.getOrDefault(first, fallbackProperty);
      return new CioPropertyException(property, msg, e);
    }
  }

  private static CustomerIoConfig workspace(CioProperties top, CioWorkspaceProperties own, String name,
      String prefix, boolean several, MeterRegistry registry, List<CioCustomizer> customizers,
      List<AutoCloseable> resources, ClassLoader classLoader) {
    Scope s = new Scope(top, own, prefix);
    CustomerIoConfig.Builder b = CustomerIoConfig.builder();
    try {
      b.workspace(name);
    } catch (IllegalArgumentException e) {
      throw new CioPropertyException("cio.workspaces." + name, e.getMessage(), e);
    }
    String siteId = s.value(CioWorkspaceProperties::getSiteId);
    String apiKey = s.value(CioWorkspaceProperties::getApiKey);
    if (siteId != null || apiKey != null) {
      try {
        b.credentials(siteId, apiKey);
      } catch (IllegalArgumentException e) {
        String property = siteId == null || siteId.isBlank()
            ? orDefault(s.origin(CioWorkspaceProperties::getSiteId, "site-id"), prefix + "site-id")
            : orDefault(s.origin(CioWorkspaceProperties::getApiKey, "api-key"), prefix + "api-key");
        throw new CioPropertyException(property, e.getMessage(), e);
      }
    }
    s.set("api", "api", CioWorkspaceProperties::getApi, b::api);
    s.set("pipelines-write-key", "pipelinesWriteKey", CioWorkspaceProperties::getPipelinesWriteKey, b::pipelinesWriteKey);
    s.set("region", "region", CioWorkspaceProperties::getRegion, b::region);
    s.set("base-url", "baseUrl", CioWorkspaceProperties::getBaseUrl, b::baseUrl);
    if (own != null && own.getStoragePath() != null) {
      s.set("storage-path", "path", CioWorkspaceProperties::getStoragePath, b::storagePath);
    } else if (several) {
      Path base = top.getStoragePath() != null ? top.getStoragePath() : CustomerIoConfig.DEFAULT_STORAGE_PATH;
      Path dir = base.getParent() != null ? base.getParent() : Path.of(".");
      b.storagePath(dir.resolve(name).resolve(base.getFileName()));
    } else {
      s.set("storage-path", "path", CioWorkspaceProperties::getStoragePath, b::storagePath);
    }
    s.set("durability", "durability", CioWorkspaceProperties::getDurability, b::durability);
    s.set("async-commit-interval", "asyncCommitInterval", CioWorkspaceProperties::getAsyncCommitInterval,
        b::asyncCommitInterval);
    s.set("lanes", "lanes", CioWorkspaceProperties::getLanes, b::lanes);
    s.set("max-batch-operations", "maxBatchOperations", CioWorkspaceProperties::getMaxBatchOperations,
        b::maxBatchOperations);
    s.set("max-batch-bytes", "maxBatchBytes", CioWorkspaceProperties::getMaxBatchBytes, b::maxBatchBytes);
    s.set("linger", "linger", CioWorkspaceProperties::getLinger, b::linger);
    s.set("connect-timeout", "connectTimeout", CioWorkspaceProperties::getConnectTimeout, b::connectTimeout);
    s.set("request-timeout", "requestTimeout", CioWorkspaceProperties::getRequestTimeout, b::requestTimeout);
    s.set("http-threads", "httpThreads", CioWorkspaceProperties::getHttpThreads, b::httpThreads);
    s.set("max-pending-operations", "maxPendingOperations", CioWorkspaceProperties::getMaxPendingOperations,
        b::maxPendingOperations);
    s.set("max-pending-bytes", "maxPendingBytes", CioWorkspaceProperties::getMaxPendingBytes, b::maxPendingBytes);
    s.set("overflow-policy", "overflowPolicy", CioWorkspaceProperties::getOverflowPolicy, b::overflowPolicy);
    s.set("block-timeout", "blockTimeout", CioWorkspaceProperties::getBlockTimeout, b::blockTimeout);
    s.set("identify-dedup-window", "identifyDedupWindow", CioWorkspaceProperties::getIdentifyDedupWindow,
        b::identifyDedupWindow);
    s.set("identify-dedup-size", "identifyDedupSize", CioWorkspaceProperties::getIdentifyDedupSize,
        b::identifyDedupSize);
    s.set("max-pending-age", "maxPendingAge", CioWorkspaceProperties::getMaxPendingAge,
        v -> b.health(HealthConfig.of(v)));
    b.rateLimit(rateLimit(s));
    b.retry(retry(s));
    b.breaker(breaker(s));
    if (registry != null) {
      b.meterRegistry(registry);
    }
    for (CioCustomizer c : customizers) {
      c.customize(name, b);
    }
    CustomerIoConfig config = build(s, b, prefix);
    if (top.getStore().getUri() == null) {
      return config;
    }
    if (!isPresent(REDIS_CLASS, classLoader)) {
      throw new CioPropertyException("cio.store.uri",
          "a Redis store needs io.ciorelay:cio-redis on the classpath", null);
    }
    RedisBinding.apply(top.getStore(), config, b, registry, resources);
    return build(s, b, prefix);
  }

  private static CustomerIoConfig build(Scope s, CustomerIoConfig.Builder b, String prefix) {
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      if (String.valueOf(e.getMessage()).startsWith("credentials")) {
        throw new CioPropertyException(prefix + "site-id",
            prefix + "site-id and " + prefix + "api-key must be set, or cio.enabled=false (" + e.getMessage() + ")", e);
      }
      throw s.refused(e, prefix.substring(0, prefix.length() - 1));
    }
  }

  private static RateLimitConfig rateLimit(Scope s) {
    Double rps = s.value(w -> w.getRateLimit().getRequestsPerSecond());
    Double headroom = s.value(w -> w.getRateLimit().getHeadroom());
    double r = rps != null ? rps : RateLimitConfig.DEFAULT_REQUESTS_PER_SECOND;
    double h = headroom != null ? headroom : RateLimitConfig.DEFAULT_HEADROOM;
    // Each value on its own first, so a refusal names the property that broke the rule.
    s.set("rate-limit.requests-per-second", "requestsPerSecond", w -> w.getRateLimit().getRequestsPerSecond(),
        v -> RateLimitConfig.of(v, RateLimitConfig.DEFAULT_HEADROOM));
    s.set("rate-limit.headroom", "headroom", w -> w.getRateLimit().getHeadroom(),
        v -> RateLimitConfig.of(RateLimitConfig.DEFAULT_REQUESTS_PER_SECOND, v));
    return RateLimitConfig.of(r, h);
  }

  private static RetryConfig retry(Scope s) {
    RetryConfig.Builder r = RetryConfig.builder();
    s.set("retry.base-delay", "baseDelay", w -> w.getRetry().getBaseDelay(), r::baseDelay);
    s.set("retry.max-delay", "maxDelay", w -> w.getRetry().getMaxDelay(), r::maxDelay);
    s.set("retry.jitter", "jitter", w -> w.getRetry().getJitter(), r::jitter);
    s.set("retry.retry-after-cap", "retryAfterCap", w -> w.getRetry().getRetryAfterCap(), r::retryAfterCap);
    s.set("retry.budget", "budget", w -> w.getRetry().getBudget(), r::budget);
    s.set("retry.max-attempts", "maxAttempts", w -> w.getRetry().getMaxAttempts(), r::maxAttempts);
    s.set("retry.auth-retry-interval", "authRetryInterval", w -> w.getRetry().getAuthRetryInterval(),
        r::authRetryInterval);
    s.set("retry.endpoint-retry-interval", "endpointRetryInterval", w -> w.getRetry().getEndpointRetryInterval(),
        r::endpointRetryInterval);
    return built(s, r::build, "cio.retry");
  }

  private static BreakerConfig breaker(Scope s) {
    BreakerConfig.Builder r = BreakerConfig.builder();
    s.set("breaker.failure-threshold", "failureThreshold", w -> w.getBreaker().getFailureThreshold(),
        r::failureThreshold);
    s.set("breaker.half-open-calls", "halfOpenCalls", w -> w.getBreaker().getHalfOpenCalls(), r::halfOpenCalls);
    s.set("breaker.open-wait", "openWait", w -> w.getBreaker().getOpenWait(), r::openWait);
    s.set("breaker.slow-call-threshold", "slowCallThreshold", w -> w.getBreaker().getSlowCallThreshold(),
        r::slowCallThreshold);
    return built(s, r::build, "cio.breaker");
  }

  private static <T> T built(Scope s, java.util.function.Supplier<T> build, String fallbackProperty) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw s.refused(e, fallbackProperty);
    }
  }

  private static Routing routing(CioProperties.Routing r, List<String> names) {
    if (r.getRule() == null) {
      if (names.size() == 1) {
        return Routing.fixed(names.get(0));
      }
      throw new CioPropertyException("cio.routing.rule", "several workspaces " + names
          + " need a routing rule: HASH, ATTRIBUTE or REGION_HINT (or a Routing bean)", null);
    }
    try {
      return switch (r.getRule()) {
        case HASH -> Routing.byHash(r.getWorkspaces() != null ? r.getWorkspaces() : names);
        case ATTRIBUTE -> Routing.byAttribute(r.getAttribute(), r.getValues(), r.getFallback());
        case REGION_HINT -> {
          Map<io.ciorelay.client.Region, String> regions = new java.util.EnumMap<>(io.ciorelay.client.Region.class);
          r.getValues().forEach((k, v) -> regions.put(io.ciorelay.client.Region.valueOf(k.toUpperCase(Locale.ROOT)), v));
          yield Routing.byRegionHint(r.getAttribute(), regions, r.getFallback());
        }
      };
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new CioPropertyException("cio.routing", e.getMessage(), e);
    }
  }

  private static String orDefault(String v, String dflt) {
    return v != null ? v : dflt;
  }

  static boolean isPresent(String className, ClassLoader classLoader) {
    try {
      Class.forName(className, false, classLoader);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
