package io.ciorelay.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The Track API site id and API key of one Customer.io workspace.
 *
 * <p>The API key is never printed: {@link #toString()} shows {@code apiKey=****}, and no exception
 * message of this library contains it. {@code equals} is identity, so keys are not compared or
 * hashed by collections. Immutable and thread-safe.
 */
public final class Credentials {
    private final String siteId;
    private final String apiKey;

    private Credentials(String siteId, String apiKey) {
        this.siteId = siteId;
        this.apiKey = apiKey;
    }

    /**
     * Creates credentials.
     *
     * @throws IllegalArgumentException if either value is null or blank (the message never shows
     *     the key)
     */
    public static Credentials of(String siteId, String apiKey) {
        if (siteId == null || siteId.isBlank()) {
            throw new IllegalArgumentException("siteId must not be blank but was "
                    + (siteId == null ? "null" : "'" + siteId + "'"));
        }
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey must not be blank");
        }
        return new Credentials(siteId, apiKey);
    }

    /** Returns the site id. */
    public String siteId() {
        return siteId;
    }

    /** Returns the API key. Do not log it. */
    public String apiKey() {
        return apiKey;
    }

    /** Returns the value of the {@code Authorization} header: {@code "Basic " + base64(siteId:apiKey)}. */
    public String basicAuthorization() {
        return "Basic " + Base64.getEncoder()
                .encodeToString((siteId + ":" + apiKey).getBytes(StandardCharsets.UTF_8));
    }

    /** Returns {@code Credentials{siteId=..., apiKey=****}}; the key is never shown. */
    @Override
    public String toString() {
        return "Credentials{siteId=" + siteId + ", apiKey=****}";
    }
}
