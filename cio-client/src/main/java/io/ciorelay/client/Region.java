package io.ciorelay.client;

import java.net.URI;

/**
 * The Customer.io data centre a workspace lives in, naming its Track API host.
 *
 * <p>The base URLs carry no path: the client appends {@code /api/v1/...} and {@code /api/v2/...}.
 * Thread-safe (an enum).
 */
public enum Region {
    /** United States: {@code https://track.customer.io}. */
    US(URI.create("https://track.customer.io")),
    /** European Union: {@code https://track-eu.customer.io}. */
    EU(URI.create("https://track-eu.customer.io"));

    private final URI trackBaseUrl;

    Region(URI trackBaseUrl) {
        this.trackBaseUrl = trackBaseUrl;
    }

    /** Returns the Track API base URL of this region, without a trailing slash or path. */
    public URI trackBaseUrl() {
        return trackBaseUrl;
    }

    /**
     * Whether a URL's host is Customer.io itself ({@code customer.io} or any host under it, such as
     * {@code track.customer.io} or {@code track-eu.customer.io}), where every workspace lives,
     * production ones included. Load-testing tools refuse such targets unless told otherwise.
     */
    public static boolean isCustomerIoHost(URI url) {
        String host = url.getHost();
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(java.util.Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.equals("customer.io") || h.endsWith(".customer.io");
    }
}
