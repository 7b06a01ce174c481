package io.ciorelay.delivery;

import io.ciorelay.client.PipelinesClient;
import io.ciorelay.client.Region;
import java.net.URI;

/**
 * The Customer.io API a workspace's operations are delivered to. Chosen with
 * {@link CustomerIoConfig.Builder#api(Api)}; every promise (durable outbox, same ids on retry,
 * per-person order, breaker, dead letters, health, metrics) holds for both. Thread-safe (an enum).
 */
public enum Api {
  /**
   * Track API v2 batches, {@code POST {base}/api/v2/batch} with the site id and API key (the
   * default). Bases: {@code https://track.customer.io} (US), {@code https://track-eu.customer.io} (EU).
   */
  TRACK_V2,
  /**
   * The Data Pipelines API, {@code POST {base}/v1/batch} with the source write key and always
   * {@code X-Strict-Mode: 1}; operations are sent as Segment-spec calls
   * ({@link io.ciorelay.client.SegmentCalls}). Bases: {@code https://cdp.customer.io} (US),
   * {@code https://cdp-eu.customer.io} (EU). Limits: 32 KB per call, 500 KB per request,
   * 3,000 requests per 3 seconds.
   */
  PIPELINES;

  /** The base URL of this API in {@code region}. */
  public URI baseUrl(Region region) {
    if (this == TRACK_V2) {
      return region.trackBaseUrl();
    }
    return region == Region.EU ? PipelinesClient.EU_BASE_URL : PipelinesClient.US_BASE_URL;
  }

  /** Parses {@code track}, {@code track-v2} or {@code pipelines} (any case). @throws IllegalArgumentException otherwise */
  public static Api parse(String s) {
    String v = s == null ? "" : s.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    return switch (v) {
      case "track", "track-v2" -> TRACK_V2;
      case "pipelines" -> PIPELINES;
      default -> throw new IllegalArgumentException("api must be track or pipelines but was '" + s + "'");
    };
  }
}
