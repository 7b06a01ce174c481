package io.ciorelay.server.relay;

import io.ciorelay.delivery.breaker.BreakerConfig;
import io.ciorelay.delivery.ratelimit.RateLimitConfig;
import io.ciorelay.delivery.retry.RetryConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The builders one load of the relay's settings binds its keys onto: the relay's own
 * ({@link RelayConfig.Builder}, which passes library settings on to {@code CustomerIoConfig.Builder},
 * {@code RedisStoreConfig.Builder} and {@code WebhookConfig.Builder}), the HTTP limits, the retry
 * and breaker builders (built once every key is applied), the rate limit's two numbers and the log
 * settings. One per load; not thread-safe.
 */
public final class ConfigTarget {
  final RelayConfig.Builder relay = RelayConfig.builder();
  final HttpLimits.Builder limits = HttpLimits.builder();
  final RetryConfig.Builder retry = RetryConfig.builder();
  final BreakerConfig.Builder breaker = BreakerConfig.builder();
  double requestsPerSecond = RateLimitConfig.DEFAULT_REQUESTS_PER_SECOND;
  double headroom = RateLimitConfig.DEFAULT_HEADROOM;
  String logFormat;
  String logLevel;
  final Map<String, String> logLevels = new LinkedHashMap<>();

  ConfigTarget() {}
}
