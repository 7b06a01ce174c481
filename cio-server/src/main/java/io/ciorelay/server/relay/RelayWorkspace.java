package io.ciorelay.server.relay;

import io.ciorelay.client.Region;
import io.ciorelay.delivery.ratelimit.RateLimitConfig;
import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One Customer.io workspace the relay delivers to: its name (metric tag, data sub-directory,
 * admin selector), credentials, region or base URL, and rate limit. Clients authenticate to the
 * relay with the same credentials. {@link #toString()} never shows the API key. Immutable.
 *
 * @param target    the base URL, or null for the region's
 * @param rateLimit the workspace limit, or null for the relay's {@code relay.rate-limit}
 */
public record RelayWorkspace(String name, String siteId, String apiKey, Region region, URI target,
    RateLimitConfig rateLimit) {

  /** The name of the single workspace of a relay configured without {@code relay.workspaces}. */
  public static final String DEFAULT_NAME = "default";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

  public RelayWorkspace {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("workspace name must be 1-32 of a-z, 0-9, '_' or '-' (starting with a"
          + " letter or digit) but was '" + name + "'");
    }
    if (siteId == null || siteId.isBlank()) {
      throw new IllegalArgumentException("workspace " + name + ": site id must not be blank");
    }
    if (apiKey == null || apiKey.isBlank()) {
      throw new IllegalArgumentException("workspace " + name + ": API key must not be blank");
    }
    Objects.requireNonNull(region, "region");
  }

  /** Where this workspace delivers: the explicit target or the region's base URL. */
  public URI baseUrl() {
    return target != null ? target : region.trackBaseUrl();
  }

  @Override
  public String toString() {
    return "workspace " + name + ": site id " + siteId + ", api key set, delivering to " + baseUrl()
        + (rateLimit == null ? "" : ", " + rateLimit);
  }
}
