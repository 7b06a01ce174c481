package io.ciorelay.server.loadtest;

import java.net.URI;
import java.util.Locale;

/**
 * Recognises Customer.io's own hosts, where every workspace lives, production ones included, so
 * load-test tools can refuse them unless told otherwise. Pure; thread-safe.
 */
public final class ProductionGuard {
  private ProductionGuard() {}

  /** Whether the URL's host is {@code customer.io} or under it ({@code track.customer.io}, {@code track-eu.customer.io}, ...). */
  public static boolean isCustomerIoHost(URI url) {
    String host = url.getHost();
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h.equals("customer.io") || h.endsWith(".customer.io");
  }
}
